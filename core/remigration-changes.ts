// Re-migration as a reviewer reads it: into whose mailbox the wave's Job imports which source's mail,
// and why. The lock records each mailbox's `remigrate` reason as part of its binding, so starting,
// changing or ending a re-migration is a lock change like any other (core/lock-diff.ts).
import type { LockEntry } from "./lock";
import type { LockChange } from "./lock-diff";
import { entryPerson, sourceAddress, sourceBelongsToOwner, sourceHolder, type PeopleLookup } from "./lock-people";

export type RemigrationChangeKind = "started" | "reason" | "ended";

export interface RemigrationChange {
  readonly change: RemigrationChangeKind;
  /** The entry the Job imports into (started, reason) or no longer re-migrates (ended). */
  readonly entry: LockEntry;
  readonly reason: string;
  readonly previousReason?: string;
}

/** What a lock change does to re-migration (paired by mailbox id and source: another source is another import). */
export function remigrationChanges(change: LockChange): RemigrationChange[] {
  const { locked, declared } = change;
  const was = locked?.remigrate;
  const now = declared?.remigrate;
  const same =
    locked !== undefined && declared !== undefined && locked.mailbox === declared.mailbox && locked.source.exchangeGuid === declared.source.exchangeGuid;
  const changes: RemigrationChange[] = [];
  if (now !== undefined && (was === undefined || !same)) changes.push({ change: "started", entry: declared!, reason: now });
  if (same && was !== undefined && now !== undefined && was !== now) changes.push({ change: "reason", entry: declared!, reason: now, previousReason: was });
  if (was !== undefined && (now === undefined || !same))
    changes.push({ change: "ended", entry: declared && now === undefined && same ? declared : locked!, reason: was });
  return changes;
}

/** "re-migrates x@… (Exchange mailbox of Maria Müller <…> (…)) into the mailbox of Maria Müller <…>: INC-…", people first. */
export function remigrationText(c: RemigrationChange, people: PeopleLookup): string {
  const what = `${sourceAddress(c.entry)} (${sourceHolder(c.entry, people)}) into the mailbox of ${entryPerson(c.entry, people)}`;
  const warning = sourceBelongsToOwner(c.entry, people) === false ? " ⚠ the exports do not tie this source to this person" : "";
  switch (c.change) {
    case "started":
      return `re-migrates ${what}: ${c.reason}${warning}`;
    case "reason":
      return `re-migration reason of ${what}: ${c.previousReason} → ${c.reason}${warning}`;
    case "ended":
      return `re-migration ends for ${what}; was: ${c.reason}`;
  }
}
