// Lock entries and lock changes as a reviewer reads them: the source mailbox the plan line names,
// then the person it goes to (display name, address, uid, organisation), the immutable id only as
// a detail. Who owns a source is taken from the exports (core/source-ownership.ts), never the plan.
import { containmentChanges, onlyContainment, type ContainmentChange } from "./containment-changes";
import { remigrationChanges, remigrationText } from "./remigration-changes";
import type { FieldChange, LockChange } from "./lock-diff";
import type { LockEntry } from "./lock";
import { personLabel, type SourceEvidence } from "./source-ownership";

/** What the labels need from the exports; a SourceEvidence has it. */
export type PeopleLookup = Pick<SourceEvidence, "personById" | "sourceByGuid" | "ownerOf">;

/** The source address an entry names (a broken declaration may have none). */
export function sourceAddress(entry: LockEntry): string {
  return entry.source.address || "(no source address)";
}

/** The person (or functional mailbox) an entry binds, as a reviewer recognises them. */
export function entryPerson(entry: LockEntry, people: PeopleLookup): string {
  if (entry.owner) {
    const person = people.personById.get(entry.owner.id);
    return person ? personLabel(person) : `${entry.owner.uid} (id ${entry.owner.id}, not in the directory)`;
  }
  const source = people.sourceByGuid.get(entry.source.exchangeGuid);
  return `${entry.kind} mailbox ${source ? `"${source.displayName}"` : sourceAddress(entry)} (id ${entry.mailbox || "none"})`;
}

/** Whose mail an entry's source holds by the exports, e.g. "Exchange mailbox of Maria Müller <…> (mmueller, fa-luebeck, id …)". */
export function sourceHolder(entry: LockEntry, people: PeopleLookup): string {
  const source = people.sourceByGuid.get(entry.source.exchangeGuid);
  if (!source) return `ExchangeGuid ${entry.source.exchangeGuid || "(none)"}, not in the Exchange export`;
  if (source.type !== "UserMailbox") return `${source.type} "${source.displayName}"`;
  const owner = people.ownerOf(source);
  return owner ? `Exchange mailbox of ${personLabel(owner.person)}` : `Exchange mailbox of nobody in the directory (AD account ${source.ownerGuid})`;
}

/** "maria.mueller@fa-luebeck.example → Maria Müller <…> (mmueller, fa-luebeck, id …)": the plan line's key, then the person. */
export function entryLabel(entry: LockEntry, people: PeopleLookup): string {
  return `${sourceAddress(entry)} → ${entryPerson(entry, people)}`;
}

/** Whether the exports tie an entry's source to the entry's owner (undefined: functional or unknown). */
export function sourceBelongsToOwner(entry: LockEntry, people: PeopleLookup): boolean | undefined {
  const source = people.sourceByGuid.get(entry.source.exchangeGuid);
  if (!entry.owner || !source) return undefined;
  const owner = people.ownerOf(source);
  return owner ? owner.person.immutableId === entry.owner.id : undefined;
}

/** Fields that follow from the owner's id and uid: a re-binding's headline already says they change. */
const FOLLOW_THE_OWNER = new Set(["mailbox", "owner", "login", "home", "key"]);

/** One field's locked and declared values, people-first where the field is a person or a source. */
export function fieldText(f: FieldChange, change: LockChange, people: PeopleLookup): string {
  const { locked, declared } = change;
  if (f.field === "owner" && locked && declared) {
    // The same person under another uid spelling (or none) is a uid change, not another person.
    if (locked.owner && declared.owner && locked.owner.id === declared.owner.id)
      return `owner uid: "${locked.owner.uid}" → "${declared.owner.uid}" (id ${declared.owner.id})`;
    return `owner: ${entryPerson(locked, people)} → ${entryPerson(declared, people)}`;
  }
  if (f.field === "contain") return `containment: ${reasonOrNone(locked?.contain)} → ${reasonOrNone(declared?.contain)}`;
  if (f.field === "remigrate") return `re-migration: ${reasonOrNone(locked?.remigrate)} → ${reasonOrNone(declared?.remigrate)}`;
  if (f.field === "source" && locked && declared) {
    return `source: ${sourceAddress(locked)} (${sourceHolder(locked, people)}) → ${sourceAddress(declared)} (${sourceHolder(declared, people)})`;
  }
  return `${f.field}: ${f.locked} → ${f.declared}`;
}

const reasonOrNone = (reason: string | undefined) => (reason === undefined ? "none" : JSON.stringify(reason));

/** The fields worth a line of their own under a change's headline. */
export function detailFields(change: LockChange): readonly FieldChange[] {
  return change.change === "rebound" ? change.fields.filter((f) => !FOLLOW_THE_OWNER.has(f.field)) : change.fields;
}

/** "contained maria.mueller@… — Maria Müller <…> (mmueller, fa-luebeck, id …): INC-2026-0042 …", people-first. */
export function containmentText(c: ContainmentChange, people: PeopleLookup): string {
  const who = `${sourceAddress(c.entry)} — ${entryPerson(c.entry, people)}`;
  switch (c.change) {
    case "contained":
      return `contained ${who}: ${c.reason}`;
    case "released":
      return `released ${who}${c.leftPlan ? " (the mailbox left the plan)" : ""}; was contained: ${c.reason}`;
    case "reason":
      return `containment reason of ${who}: ${c.previousReason} → ${c.reason}`;
  }
}

/** A change's headline: what a reviewer must check first. */
export function changeHeadline(change: LockChange, people: PeopleLookup): string {
  const { locked, declared } = change;
  switch (change.change) {
    case "rebound":
      return `re-bound ${sourceAddress(declared!)}: ${entryPerson(locked!, people)} → ${entryPerson(declared!, people)}`;
    case "changed":
      return `changed ${entryLabel(declared!, people)}`;
    case "added":
      return `added ${entryLabel(declared!, people)}`;
    case "removed":
      return `removed ${entryLabel(locked!, people)} (no longer in the plan)`;
  }
}

/**
 * Headline, then the exports' word on a re-bound source, then one line per changed field; whom a
 * containment change blocks or opens again is said by name (as the headline when that is all it does).
 */
export function describeChange(change: LockChange, people: PeopleLookup): { headline: string; details: string[] } {
  const containment = containmentChanges(change).map((c) => containmentText(c, people));
  if (onlyContainment(change)) return { headline: containment[0]!, details: containment.slice(1) };
  const exports = change.change === "rebound" ? [`the exports say: ${sourceAddress(change.declared!)} is the ${sourceHolder(change.declared!, people)}`] : [];
  const remigration = remigrationChanges(change).map((c) => remigrationText(c, people));
  const fields = detailFields(change)
    .filter((f) => f.field !== "contain" && f.field !== "remigrate")
    .map((f) => fieldText(f, change, people));
  return { headline: changeHeadline(change, people), details: [...exports, ...containment, ...remigration, ...fields] };
}
