// The reviewer's view of a change: which sources now go to another person (re-bindings, with the
// export lines that say whose each source is), which mailboxes appear, disappear or change, and what
// happens to their keys. Mailboxes pair by source first, the way the plan keys them (core/lock-diff.ts).
import { containmentChanges, onlyContainment, type ContainmentChange } from "./containment-changes";
import { remigrationChanges, type RemigrationChange } from "./remigration-changes";
import { phaseRank } from "./lifecycle";
import { duplicateIds, lockEntryFor, type LockEntry } from "./lock";
import { diffLock, type FieldChange, type LockChange } from "./lock-diff";
import { stepNeeds } from "./lock-history";
import type { Binding, Inventory, Person, WavePhase } from "./model";
import { sourceEvidence, type SourceEvidence } from "./source-ownership";

/** Wave name → declared phase, at the base and in the working tree. */
export interface ReviewPhases {
  readonly base: Readonly<Record<string, WavePhase>>;
  readonly head: Readonly<Record<string, WavePhase>>;
}

/** A mailbox whose lifecycle phase changes (judged per mailbox, whatever its wave is called). */
export interface PhaseChange {
  readonly mailbox: string;
  /** The mailbox as the plan line names it now. */
  readonly entry: LockEntry;
  readonly before?: { readonly wave: string; readonly phase: WavePhase };
  readonly after: { readonly wave: string; readonly phase: WavePhase };
  /** Set when the step needs a reviewed reason: the plan field that gives it. */
  readonly needs?: "phaseRollback" | "phaseSkip";
}

/** Whom the exports say a re-bound source belongs to, compared with the people on both sides. */
export type ExportsVerdict = "previous-owner" | "new-owner" | "someone-else" | "nobody" | "functional";

/**
 * A source whose mail now goes to another person (the source re-bound to another owner), or a person
 * who now receives another source's mail (same mailbox id, other source).
 */
export interface Rebinding {
  /** The source the plan line names now. */
  readonly source: string;
  readonly before: LockEntry;
  readonly after: LockEntry;
  readonly fields: readonly FieldChange[];
  /** The export lines that show whose the source is, and the directory lines of both people. */
  readonly evidence: readonly string[];
  readonly verdict: ExportsVerdict;
}

export interface Review {
  readonly added: readonly LockEntry[];
  readonly removed: readonly LockEntry[];
  readonly rebound: readonly Rebinding[];
  /** Same person, same source; other fields changed (addresses, wave, context, …), containment aside. */
  readonly changed: readonly LockChange[];
  /** Logins blocked (plan `contain`), opened again or blocked for another reason. */
  readonly containment: readonly ContainmentChange[];
  /** Re-migrations started, changed or ended (plan `remigrate`): whose source the Job imports into whose mailbox. */
  readonly remigrations: readonly RemigrationChange[];
  readonly keysCreated: readonly string[];
  /** Keys of mailboxes that stay but whose key identity changed: mail encrypted with the old key becomes unreadable. */
  readonly keysRotated: readonly string[];
  /** Keys whose mailbox left the plan. */
  readonly keysOrphaned: readonly string[];
  /** Per-mailbox phase changes (only when phases were given). */
  readonly phaseChanges: readonly PhaseChange[];
  /** Entries of the working tree that share one mailbox id (one person named owner twice). */
  readonly sharedIds: readonly (readonly LockEntry[])[];
  /** Who is who by the exports, for labelling entries. */
  readonly people: SourceEvidence;
}

function phaseChanges(base: readonly Binding[], head: readonly Binding[], phases: ReviewPhases): PhaseChange[] {
  const before = new Map(base.map((b) => [b.mailboxId, b]));
  const changes: PhaseChange[] = [];
  for (const b of head) {
    const was = before.get(b.mailboxId);
    const from = was ? phases.base[was.wave] : undefined;
    const to = phases.head[b.wave];
    if (!to || from === to || (!was && to === "copying")) continue;
    const needs = stepNeeds(from, to);
    changes.push({
      mailbox: b.mailboxId,
      entry: lockEntryFor(b),
      ...(was && from ? { before: { wave: was.wave, phase: from } } : {}),
      after: { wave: b.wave, phase: to },
      ...(needs ? { needs } : {}),
    });
  }
  const source = (c: PhaseChange) => c.entry.source.address;
  return changes.sort((a, b) => phaseRank(a.after.phase) - phaseRank(b.after.phase) || (source(a) < source(b) ? -1 : 1));
}

function isRebinding(c: LockChange): boolean {
  return c.change === "rebound" || (c.change === "changed" && c.fields.some((f) => f.field === "source"));
}

export function computeReview(base: readonly Binding[], head: readonly Binding[], inventory: Inventory, phases?: ReviewPhases): Review {
  const people = sourceEvidence(inventory.people, inventory.sources);
  const headEntries = head.map(lockEntryFor);
  const changes = diffLock(base.map(lockEntryFor), headEntries);
  const [baseIds, headIds] = [new Set(base.map((b) => b.mailboxId)), new Set(head.map((b) => b.mailboxId))];
  const keyName = new Map([...base, ...head].map((b) => [b.mailboxId, b.keyName]));
  const rebound = changes.filter(isRebinding).map((c) => rebinding(c, inventory, people));
  return {
    added: changes.filter((c) => c.change === "added").map((c) => c.declared!),
    removed: changes.filter((c) => c.change === "removed").map((c) => c.locked!),
    rebound,
    changed: changes.filter((c) => c.change === "changed" && !isRebinding(c) && !onlyContainment(c)),
    containment: changes.flatMap(containmentChanges).sort(byContainmentKind),
    remigrations: changes.flatMap(remigrationChanges),
    keysCreated: [...headIds].filter((id) => !baseIds.has(id)).map((id) => keyName.get(id)!),
    keysRotated: changes.filter((c) => c.locked?.mailbox === c.declared?.mailbox && c.fields.some((f) => f.field === "key")).map((c) => c.declared!.key.name),
    keysOrphaned: [...baseIds].filter((id) => !headIds.has(id)).map((id) => keyName.get(id)!),
    phaseChanges: phases ? phaseChanges(base, head, phases) : [],
    sharedIds: duplicateIds(headEntries, (e) => e.mailbox),
    people,
  };
}

/** Blocked logins first (the incident), then new reasons, then logins opened again; each by source. */
const CONTAINMENT_ORDER: readonly ContainmentChange["change"][] = ["contained", "reason", "released"];
function byContainmentKind(a: ContainmentChange, b: ContainmentChange): number {
  return (
    CONTAINMENT_ORDER.indexOf(a.change) - CONTAINMENT_ORDER.indexOf(b.change) ||
    (a.entry.source.address < b.entry.source.address ? -1 : a.entry.source.address > b.entry.source.address ? 1 : 0)
  );
}

function personFacts(p: Person, file: string): string {
  return `${file} line ${p.line}: ${p.uid} = ${p.displayName} (${p.ou}, ${p.dn})${p.disabled ? ", DISABLED" : ""}`;
}

function rebinding(c: LockChange, inventory: Inventory, people: SourceEvidence): Rebinding {
  const [before, after] = [c.locked!, c.declared!];
  const { directory, exchange } = inventory.files;
  const evidence: string[] = [];
  const source = people.sourceByGuid.get(after.source.exchangeGuid);
  const holder = source ? people.ownerOf(source) : undefined;
  if (source) {
    const account = holder?.strength === "strong" ? `AD account ${source.ownerGuid}` : `AD account ${source.ownerGuid}, UPN ${source.userPrincipalName}`;
    evidence.push(`${exchange} line ${source.line}: ${source.primarySmtp.display} (${source.type}, "${source.displayName}") belongs to ${account}`);
    if (holder)
      evidence.push(
        `${holder.strength === "strong" ? "that AD account's objectGUID is" : "by address and UPN only (no objectGUID), that is"} ${personFacts(holder.person, directory)}`,
      );
    else if (source.type === "UserMailbox") evidence.push(`no directory entry carries objectGUID ${source.ownerGuid}`);
  } else {
    evidence.push(`ExchangeGuid ${after.source.exchangeGuid} is not in ${exchange}`);
  }
  for (const [side, entry] of [
    ["before", before],
    ["after", after],
  ] as const) {
    const person = entry.owner ? people.personById.get(entry.owner.id) : undefined;
    if (entry.owner)
      evidence.push(`${side}: ${person ? personFacts(person, directory) : `owner ${entry.owner.uid} (id ${entry.owner.id}) is not in ${directory}`}`);
  }
  const owner = holder?.person.immutableId;
  const verdict: ExportsVerdict =
    !source || source.type !== "UserMailbox"
      ? "functional"
      : owner === undefined
        ? "nobody"
        : owner === after.owner?.id
          ? "new-owner"
          : owner === before.owner?.id
            ? "previous-owner"
            : "someone-else";
  return { source: after.source.address, before, after, fields: c.fields, evidence, verdict };
}
