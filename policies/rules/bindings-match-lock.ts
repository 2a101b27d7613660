import type { ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { normaliseAddress } from "../../core/address";
import { diffLock, type LockEntry } from "../../core/lock";
import type { MailboxKind } from "../../core/model";
import { configSchema, displayFile, type PolicyContext } from "../config";
import { sourceOf } from "../support/identity";
import { mailboxMessage, plainMessage } from "../support/report";
import type { OxUserView } from "../support/resources";
import { stackValidation } from "../support/rule";
import { shardScope, stackOfView } from "./unique-across-shards";
import type { StackView } from "../support/stack";

const REVIEW = "run `npx oxmig lock --stack <stack>` and have the change reviewed";

/** The lock entry the declared resources amount to (same shape as core/lock.ts lockEntryFor). */
function declaredEntry(ctx: PolicyContext, stack: StackView, user: OxUserView, waves: Map<string, string>, homes: Map<string, string>): LockEntry {
  const id = user.mailboxId ?? "";
  const [primary, ...rest] = [...new Set(user.addresses.map((a) => normaliseAddress(a.value)))];
  const source = sourceOf(ctx, user);
  // Stryker disable next-line ConditionalExpression: equivalent, keys.get(undefined) is undefined too
  const key = user.keyName !== undefined ? stack.keys.get(user.keyName) : undefined;
  return {
    mailbox: id,
    kind: user.kind as MailboxKind,
    wave: waves.get(id) ?? "",
    context: user.contextName ?? "",
    ...(user.ownerId !== undefined ? { owner: { id: user.ownerId, uid: user.oxName ?? "" } } : {}),
    source: { address: source?.primarySmtp.normalised ?? "", exchangeGuid: user.sourceGuid ?? "" },
    login: user.imapLogin ?? "",
    home: homes.get(`${user.contextName}/${user.imapLogin}`) ?? "",
    key: { name: user.keyName ?? "", keeper: key?.keeper ?? "" },
    addresses: [...(primary ? [primary] : []), ...rest.sort()],
    ...(user.contextException?.trim() ? { contextException: user.contextException } : {}),
  };
}

function declaredEntries(ctx: PolicyContext, stack: StackView): LockEntry[] {
  const waves = new Map<string, string>();
  for (const t of stack.pairings) for (const p of t.pairings ?? []) waves.set(p.mailboxId, t.wave);
  const homes = new Map<string, string>();
  for (const db of stack.userdbs) for (const e of db.index ?? []) homes.set(`${db.context}/${e.login}`, e.home);
  return stack.users.map((u) => declaredEntry(ctx, stack, u, waves, homes));
}

function reportChanges(locked: readonly LockEntry[], declared: readonly LockEntry[], file: string, report: ReportViolation): void {
  const label = new Map([...locked, ...declared].map((e) => [e.mailbox, { address: e.addresses[0] ?? e.mailbox, uid: e.owner?.uid }]));
  for (const change of diffLock(locked, declared)) {
    const who = label.get(change.mailbox)!;
    const text =
      change.change === "added"
        ? `mailbox ${change.mailbox} is declared but not in the lock ${file}`
        : change.change === "removed"
          ? `mailbox ${change.mailbox} is in the lock ${file} but no longer declared`
          : `binding differs from the lock ${file}: ${change.fields.map((f) => `${f.field} locked ${f.locked}, declared ${f.declared}`).join("; ")}`;
    report(mailboxMessage(who.address, who.uid, `${text}; ${REVIEW}`));
  }
}

/** Which lock entries a stack compares: a shard its own; an unsharded stack every entry, shard tags aside. */
export function lockScope(locked: readonly LockEntry[], declared: readonly LockEntry[], isShard: boolean, self: string | undefined): { locked: LockEntry[]; declared: LockEntry[] } {
  if (isShard) return shardScope(locked, declared, self);
  return { locked: locked.map(({ shard: _shard, ...entry }) => entry), declared: [...declared] };
}

/** Without a lock a re-binding is invisible (policies cannot see previous state): prod requires one. */
export const bindingsMatchLock: StackValidationPolicy = {
  name: "bindings-match-lock",
  description: "Checks whether every declared binding equals its reviewed entry in the binding lock, and the lock names no mailbox the plan dropped.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: stackValidation((ctx, stack, report) => {
    if (!ctx.lock) {
      if (ctx.config.lock !== undefined) return report(plainMessage(`the lock file ${displayFile(ctx.config.lock)} does not exist; ${REVIEW}`));
      if (ctx.config.stackKind === "prod") return report(plainMessage(`a prod stack needs a binding lock: set "lock" in the policy pack config; ${REVIEW}`));
      return;
    }
    // A family lock holds every shard's entries: a shard compares its own; an unsharded stack over the
    // same inventory compares all of them, shard tags aside.
    const { locked, declared } = lockScope(ctx.lock.lock.mailboxes, declaredEntries(ctx, stack), ctx.config.shards !== undefined, stackOfView(stack));
    reportChanges(locked, declared, ctx.lock.file, report);
  }),
};
