// Once a mailbox is cut over (the lock records cut-over or done for it), its home, key and Exchange
// source are fixed: a new home or key makes the mail already delivered unreadable and orphans the
// old key; a new source copies another mailbox's mail into it. The same mailbox is recognised by
// its id, and — when the id itself changed (a directory entry re-created with a new entryUUID, a
// shared mailbox whose ExchangeGuid changed) — by the Exchange source, source address, primary
// address or owner uid it carried. Only a reviewed `rekey`/`rebind` recorded in the lock allows it.
import type { StackValidationPolicy } from "@pulumi/policy";
import { entryPhase } from "@oxmig/core/lock";
import { coveredBy, identityChanges, type DeclaredIdentity, type IdentityChange } from "@oxmig/core/lock-history";
import { normaliseAddress } from "@oxmig/core/address";
import { configSchema, type PolicyContext } from "../config";
import { sourceOf } from "../support/identity";
import { lockHistory } from "../support/lifecycle";
import { userMessage } from "../support/report";
import type { OxUserView } from "../support/resources";
import { stackValidation } from "../support/rule";
import type { StackView } from "../support/stack";

const RULE = "migrated-identity-stable";

function declaredIdentity(ctx: PolicyContext, stack: StackView, user: OxUserView, homes: ReadonlyMap<string, string>): DeclaredIdentity {
  // Stryker disable next-line ConditionalExpression: equivalent, byId.get(undefined) is undefined too
  const owner = user.ownerId !== undefined ? ctx.directory.byId.get(user.ownerId) : undefined;
  // Stryker disable next-line ConditionalExpression: equivalent, keys.get(undefined) is undefined too
  const key = user.keyName !== undefined ? stack.keys.get(user.keyName) : undefined;
  const primary = user.primaryEmail !== undefined ? normaliseAddress(user.primaryEmail) : undefined;
  const ownerUid = owner?.uid ?? user.oxName;
  return {
    mailbox: user.mailboxId!,
    // Stryker disable next-line StringLiteral: equivalent, only "personal" is ever compared, any other placeholder reads the same
    kind: user.kind ?? "",
    ...(ownerUid !== undefined ? { ownerUid } : {}),
    sourceGuid: user.sourceGuid ?? "",
    // The Exchange export's own address for the declared source, not the program's.
    sourceAddress: sourceOf(ctx, user)?.primarySmtp.normalised ?? "",
    ...(primary !== undefined ? { primary } : {}),
    home: homes.get(`${user.contextName}/${user.imapLogin}`) ?? "",
    keyName: user.keyName ?? "",
    keeper: key?.keeper ?? "",
  };
}

function describe(change: IdentityChange): string {
  const was = change.locked;
  const fields = change.changed.map((f) =>
    f === "home"
      ? `home ${was.home}`
      : f === "key"
        ? `key ${was.key.name} (keeper ${was.key.keeper})`
        : `Exchange source ${was.source.address} (${was.source.exchangeGuid})`,
  );
  return `mailbox ${was.addresses[0] ?? was.mailbox} (${was.mailbox}) reached ${entryPhase(was)} (lock, wave ${was.wave}); this declaration is the same mailbox by ${change.sameBy.join(", ")} but no longer has its ${fields.join(", ")}: mail already delivered there would be unreadable or mixed with another mailbox's; declare ${change.needs.map((n) => `${n}: "<reason>"`).join(" and ")} on the mailbox in plan.yaml and have the relocked change reviewed`;
}

export const migratedIdentityStable: StackValidationPolicy = {
  name: RULE,
  description:
    "Checks whether no mailbox that the binding lock records at cut-over or later changes its home, key or Exchange source, under the same or a new mailbox id, without a reviewed rekey or rebind recorded in the lock.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: stackValidation((ctx, stack, report) => {
    if (!ctx.lock) return; // bindings-match-lock demands a lock where one is required
    const history = lockHistory(ctx);
    const active = new Map(ctx.lock.lock.mailboxes.map((e) => [e.mailbox, e]));
    const declaredIds = new Set(stack.users.map((u) => u.mailboxId));
    const others = [...history.values()].filter((e) => !declaredIds.has(e.mailbox));
    const homes = new Map<string, string>();
    // Stryker disable next-line ArrayDeclaration: equivalent, a placeholder element only adds the key "<context>/undefined" with no home, which reads as missing
    for (const db of stack.userdbs) for (const e of db.index ?? []) homes.set(`${db.context}/${e.login}`, e.home);
    for (const user of stack.users) {
      if (user.mailboxId === undefined) continue; // unknown ids: the chain rules fail closed on them
      const declared = declaredIdentity(ctx, stack, user, homes);
      const recorded = active.get(user.mailboxId);
      for (const change of identityChanges(declared, history.get(user.mailboxId), others)) {
        // Same home, key and source under a new id: nothing is lost, the lifecycle simply continues.
        if (change.needs.length === 0) continue;
        if (recorded && change.locked.mailbox !== user.mailboxId && coveredBy(recorded, change)) continue;
        report(userMessage(user, describe(change), declared.ownerUid));
      }
    }
  }),
};
