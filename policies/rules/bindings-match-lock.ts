import type { ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { normaliseAddress } from "@oxmig/core/address";
import type { LockEntry } from "@oxmig/core/lock";
import { diffLock, type LockChange } from "@oxmig/core/lock-diff";
import { detailFields, entryLabel, entryPerson, fieldText, sourceAddress, sourceHolder, type PeopleLookup } from "@oxmig/core/lock-people";
import type { MailboxKind } from "@oxmig/core/model";
import { sourceEvidence } from "@oxmig/core/source-ownership";
import { configSchema, displayFile, type DirectoryIndex, type ExchangeIndex, type PolicyContext } from "../config";
import { sourceOf } from "../support/identity";
import { mailboxMessage, plainMessage } from "../support/report";
import type { OxUserView } from "../support/resources";
import { stackValidation } from "../support/rule";
import { shardScope, stackOfView } from "../support/shard-scope";
import type { StackView } from "../support/stack";

/**
 * What to run, for the stack being checked: its name is in every URN (`urn:pulumi:<stack>::…`), under
 * `pulumi preview` as in the gate; a stack without mailboxes falls back to the lock's own stack.
 */
function reviewAdvice(stack: string | undefined): string {
  return stack !== undefined
    ? `run \`npx oxmig lock --stack ${stack}\` and have the change reviewed`
    : "run `npx oxmig lock` for this stack and have the change reviewed";
}

/** Who owns what by the exports, built once per loaded directory and Exchange export. */
const lookups = new WeakMap<DirectoryIndex, { exchange: ExchangeIndex; people: PeopleLookup }>();
function peopleOf(ctx: PolicyContext): PeopleLookup {
  const hit = lookups.get(ctx.directory);
  if (hit?.exchange === ctx.exchange) return hit.people;
  const people = sourceEvidence(ctx.directory.people, ctx.exchange.sources);
  lookups.set(ctx.directory, { exchange: ctx.exchange, people });
  return people;
}

/** The lock entry the declared resources amount to (same shape as core/lock.ts lockEntryFor). */
function declaredEntry(
  ctx: PolicyContext,
  stack: StackView,
  user: OxUserView,
  waves: Map<string, string>,
  homes: Map<string, string>,
  remigrations: Map<string, string>,
): LockEntry {
  const id = user.mailboxId ?? "";
  const [primary, ...rest] = [...new Set(user.addresses.map((a) => normaliseAddress(a.value)))];
  const source = sourceOf(ctx, user);
  // Stryker disable next-line ConditionalExpression: equivalent, keys.get(undefined) is undefined too
  const key = user.keyName !== undefined ? stack.keys.get(user.keyName) : undefined;
  return {
    mailbox: id,
    kind: user.kind as MailboxKind,
    // By id and source: one id declared twice (a person named owner of two sources) has two waves.
    wave: waves.get(`${id}\n${user.sourceGuid ?? ""}`) ?? waves.get(id) ?? "",
    context: user.contextName ?? "",
    ...(user.ownerId !== undefined ? { owner: { id: user.ownerId, uid: user.oxName ?? "" } } : {}),
    source: { address: source?.primarySmtp.normalised ?? "", exchangeGuid: user.sourceGuid ?? "" },
    login: user.imapLogin ?? "",
    home: homes.get(`${user.contextName}/${user.imapLogin}`) ?? "",
    key: { name: user.keyName ?? "", keeper: key?.keeper ?? "" },
    addresses: [...(primary ? [primary] : []), ...rest.sort()],
    ...(user.contextException?.trim() ? { contextException: user.contextException } : {}),
    ...(user.containment?.trim() ? { contain: user.containment } : {}),
    // The re-migration the Job's pairing table declares (pairings.json `remigrate`), by id and source.
    ...(remigrations.has(`${id}\n${user.sourceGuid ?? ""}`) ? { remigrate: remigrations.get(`${id}\n${user.sourceGuid ?? ""}`)! } : {}),
  };
}

function declaredEntries(ctx: PolicyContext, stack: StackView): LockEntry[] {
  const waves = new Map<string, string>();
  const remigrations = new Map<string, string>();
  for (const t of stack.pairings) {
    for (const p of t.pairings ?? []) {
      waves.set(p.mailboxId, t.wave);
      waves.set(`${p.mailboxId}\n${p.sourceExchangeGuid}`, t.wave);
      if (typeof p.remigrate === "string" && p.remigrate.trim()) remigrations.set(`${p.mailboxId}\n${p.sourceExchangeGuid}`, p.remigrate);
    }
  }
  const homes = new Map<string, string>();
  for (const db of stack.userdbs) for (const e of db.index ?? []) homes.set(`${db.context}/${e.login}`, e.home);
  return stack.users.map((u) => declaredEntry(ctx, stack, u, waves, homes, remigrations));
}

/** One finding per change, people-first: the source the plan line names, then whom it goes to. */
function changeText(change: LockChange, file: string, people: PeopleLookup): string {
  const { locked, declared } = change;
  switch (change.change) {
    case "rebound":
      return `source ${sourceAddress(declared!)} is re-bound from ${entryPerson(locked!, people)} to ${entryPerson(declared!, people)} without a change of the lock ${file}; the exports say it is the ${sourceHolder(declared!, people)}${detailText(change, people, "also changes ")}`;
    case "changed":
      return `${entryLabel(declared!, people)} differs from the lock ${file}${detailText(change, people)}`;
    case "added":
      return `${entryLabel(declared!, people)} is declared but not in the lock ${file}`;
    case "removed":
      return `${entryLabel(locked!, people)} is in the lock ${file} but no longer declared`;
  }
}

function detailText(change: LockChange, people: PeopleLookup, lead = ""): string {
  const details = detailFields(change).map((f) => fieldText(f, change, people));
  return details.length ? `${lead ? "; " : ": "}${lead}${details.join("; ")}` : "";
}

function reportChanges(
  locked: readonly LockEntry[],
  declared: readonly LockEntry[],
  ctx: PolicyContext,
  stack: string | undefined,
  report: ReportViolation,
): void {
  const file = ctx.lock!.file;
  const people = peopleOf(ctx);
  for (const change of diffLock(locked, declared)) {
    const about = change.declared ?? change.locked!;
    report(mailboxMessage(about.addresses[0] ?? about.mailbox, about.owner?.uid, `${changeText(change, file, people)}; ${reviewAdvice(stack)}`));
  }
}

/** Which lock entries a stack compares: a shard its own; an unsharded stack every entry, shard tags aside. */
export function lockScope(
  locked: readonly LockEntry[],
  declared: readonly LockEntry[],
  isShard: boolean,
  self: string | undefined,
): { locked: LockEntry[]; declared: LockEntry[] } {
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
    const self = stackOfView(stack);
    if (!ctx.lock) {
      if (ctx.config.lock !== undefined) return report(plainMessage(`the lock file ${displayFile(ctx.config.lock)} does not exist; ${reviewAdvice(self)}`));
      if (ctx.config.stackKind === "prod")
        return report(plainMessage(`a prod stack needs a binding lock: set "lock" in the policy pack config; ${reviewAdvice(self)}`));
      return;
    }
    // A family lock holds every shard's entries: a shard compares its own; an unsharded stack over the
    // same inventory compares all of them, shard tags aside.
    const { locked, declared } = lockScope(ctx.lock.lock.mailboxes, declaredEntries(ctx, stack), ctx.config.shards !== undefined, self);
    reportChanges(locked, declared, ctx, self ?? (ctx.config.shards === undefined ? ctx.lock.lock.stack : undefined), report);
  }),
};
