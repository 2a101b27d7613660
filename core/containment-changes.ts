// Containment as a reviewer reads it: whose login a change blocks or opens again, and why. The lock
// records each mailbox's `contain` reason as part of its binding, so a containment change is a lock
// change like any other (core/lock-diff.ts); this says what it does to whose login (the texts:
// core/lock-people.ts containmentText).
import type { LockEntry } from "./lock";
import type { LockChange } from "./lock-diff";

export type ContainmentChangeKind = "contained" | "released" | "reason";

export interface ContainmentChange {
  readonly change: ContainmentChangeKind;
  /** The entry whose login is blocked (contained, reason) or opened again (released). */
  readonly entry: LockEntry;
  /** The reason now (contained, reason) or the reason that ends (released). */
  readonly reason: string;
  /** The reason before (reason changed). */
  readonly previousReason?: string;
  /** Released because the mailbox left the plan (its OX user and deny line go with it). */
  readonly leftPlan?: boolean;
}

/**
 * What a lock change does to containment. A mailbox id keeps its login, so containment is paired by
 * id: a source re-bound to another person releases the old mailbox and contains the new one when
 * both carry `contain`.
 */
export function containmentChanges(change: LockChange): ContainmentChange[] {
  const { locked, declared } = change;
  const was = locked?.contain;
  const now = declared?.contain;
  const same = locked !== undefined && declared !== undefined && locked.mailbox === declared.mailbox;
  const changes: ContainmentChange[] = [];
  if (was !== undefined && (now === undefined || !same)) {
    changes.push({ change: "released", entry: locked!, reason: was, ...(declared === undefined ? { leftPlan: true } : {}) });
  }
  if (now !== undefined && (was === undefined || !same)) changes.push({ change: "contained", entry: declared!, reason: now });
  if (same && was !== undefined && now !== undefined && was !== now) changes.push({ change: "reason", entry: declared!, reason: now, previousReason: was });
  return changes;
}

/** Whether a lock change changes nothing but containment (the review lists it only as containment). */
export function onlyContainment(change: LockChange): boolean {
  return change.change === "changed" && change.fields.length > 0 && change.fields.every((f) => f.field === "contain");
}
