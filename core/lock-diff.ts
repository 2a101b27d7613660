// What changed between the approved lock and the plan now, the way a reviewer asks it: the plan keys
// each mailbox by its Exchange source, so a source that now goes to another person is a re-binding
// from one person to the other, not one mailbox removed and another added.
import { HISTORY_FIELDS, normaliseUid, type LockEntry } from "./lock";

export type LockChangeKind = "rebound" | "changed" | "added" | "removed";

export interface FieldChange {
  readonly field: string;
  /** Locked and declared values as JSON text (null when absent). */
  readonly locked: string;
  readonly declared: string;
}

export interface LockChange {
  readonly change: LockChangeKind;
  /** The mailbox id: the declared one, or the locked one of a removed mailbox. */
  readonly mailbox: string;
  /** The approved entry (rebound, changed, removed). */
  readonly locked?: LockEntry;
  /** The entry the plan declares now (rebound, changed, added). */
  readonly declared?: LockEntry;
  /** Fields that differ (rebound, changed). */
  readonly fields: readonly FieldChange[];
}

/** Order in which a reviewer reads changes: re-bindings first, they change who receives whose mail. */
export const CHANGE_ORDER: readonly LockChangeKind[] = ["rebound", "changed", "added", "removed"];

/** The binding part of an entry, in comparable form: history fields dropped, uid normalised. */
function bindingPart(entry: LockEntry): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...entry };
  for (const f of HISTORY_FIELDS) delete copy[f];
  if (entry.owner) copy.owner = { id: entry.owner.id, uid: normaliseUid(entry.owner.uid) };
  return copy;
}

export function changedFields(was: LockEntry, now: LockEntry): FieldChange[] {
  const [a, b] = [bindingPart(was), bindingPart(now)];
  return Object.keys({ ...a, ...b })
    .map((field) => ({ field, locked: JSON.stringify(a[field] ?? null), declared: JSON.stringify(b[field] ?? null) }))
    .filter((f) => f.locked !== f.declared);
}

/** Locked entries by a key, each taken at most once (a lock may hold two entries for one key). */
class Unpaired {
  private readonly byKey = new Map<string, LockEntry[]>();
  constructor(
    entries: readonly LockEntry[],
    private readonly key: (e: LockEntry) => string,
    private readonly taken: Set<LockEntry>,
  ) {
    for (const e of entries) {
      const list = this.byKey.get(key(e));
      if (list) list.push(e);
      else this.byKey.set(key(e), [e]);
    }
  }

  take(like: LockEntry): LockEntry | undefined {
    const found = this.byKey.get(this.key(like))?.find((e) => !this.taken.has(e));
    if (found) this.taken.add(found);
    return found;
  }
}

/**
 * Differences between the approved lock and the entries a plan declares now. Entries pair by mailbox
 * id and source first, then by source alone (a re-binding: the source now goes to another mailbox
 * id, i.e. another person), then by id alone (the same person now gets another source).
 * Two declared entries with one id (one person owning two mailboxes) stay two entries.
 */
export function diffLock(locked: readonly LockEntry[], declared: readonly LockEntry[]): LockChange[] {
  const taken = new Set<LockEntry>();
  const passes = [
    { kind: "changed" as const, pool: new Unpaired(locked, (e) => `${e.mailbox}\n${e.source.exchangeGuid}`, taken) },
    { kind: "rebound" as const, pool: new Unpaired(locked, (e) => e.source.exchangeGuid, taken) },
    { kind: "changed" as const, pool: new Unpaired(locked, (e) => e.mailbox, taken) },
  ];
  const changes: LockChange[] = [];
  let open = [...declared];
  for (const { kind, pool } of passes) {
    const next: LockEntry[] = [];
    for (const now of open) {
      const was = pool.take(now);
      if (!was) {
        next.push(now);
        continue;
      }
      const fields = changedFields(was, now);
      if (fields.length) changes.push({ change: kind, mailbox: now.mailbox, locked: was, declared: now, fields });
    }
    open = next;
  }
  for (const now of open) changes.push({ change: "added", mailbox: now.mailbox, declared: now, fields: [] });
  for (const was of locked) if (!taken.has(was)) changes.push({ change: "removed", mailbox: was.mailbox, locked: was, fields: [] });
  return changes.sort((a, b) => CHANGE_ORDER.indexOf(a.change) - CHANGE_ORDER.indexOf(b.change));
}
