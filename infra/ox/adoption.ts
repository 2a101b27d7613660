// Hands each adopted mailbox's OX user the id of the existing user to take over (`adoptUserId`), from
// the adoption file (core/adoption-file.ts) the stack config `oxmig:adoptions` names.
//
// Not Pulumi's import: the OX users are dynamic-provider resources, which Pulumi cannot import
// (`pulumi import` and the `import:` option both fail: the engine's Read lacks the serialised
// `__provider`, pulumi/pulumi#16175 and #3550, open). The provider's create reads the user by this
// id instead, checks it (user-ops.ts, adoptExisting) and brings it to the declared state.
//
// The ids reach the OX user through the components (ContextStack → declareMailbox), keyed by the
// mailbox's immutable id and checked against its context, never by its OX name.
import type { AdoptionFile } from "@oxmig/core/adoption-file";
import { InputError } from "@oxmig/core/errors";
import type { Binding } from "@oxmig/core/model";

/** mailboxId → OX user id of the file, checked against the selected bindings (their mailbox and context). */
export function adoptionTargets(file: AdoptionFile, bindings: readonly Binding[], shown: string): Map<string, number> {
  const declared = new Map(bindings.map((b) => [b.mailboxId, b]));
  const targets = new Map<string, number>();
  file.adoptions.forEach((a, i) => {
    const binding = declared.get(a.mailboxId);
    if (!binding) throw new InputError(shown, `adoptions[${i}]`, `mailbox ${a.mailboxId} is not among this stack's selected mailboxes`);
    if (binding.context !== a.context) {
      throw new InputError(shown, `adoptions[${i}]`, `mailbox ${a.mailboxId} is declared in context ${binding.context}, the file adopts in ${a.context}`);
    }
    targets.set(a.mailboxId, a.oxUserId);
  });
  return targets;
}
