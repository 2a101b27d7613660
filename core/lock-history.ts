// The lifecycle history a lock carries from one `oxmig lock` to the next. The phase a mailbox has
// reached follows its identity (mailbox id), never its wave: a wave move, a wave rename or a new
// lock cannot reset it. Each step is checked here, and the lock is refused when a step needs a
// reviewed reason the plan does not give. The pack re-checks the declared resources against the
// same history (policies/rules/*-lifecycle, migrated-identity-stable, context-ids-match-lock).
import { appendAll } from "./append";
import { phaseRank } from "./lifecycle";
import { entryPhase, normaliseUid, type BindingLock, type LockEntry } from "./lock";
import type { WavePhase } from "./model";

const CUT_OVER = phaseRank("cut-over");

/** Whether a mailbox at this phase already receives mail on the target. */
export function isMigrated(phase: WavePhase | undefined): boolean {
  return phase !== undefined && phaseRank(phase) >= CUT_OVER;
}

/** What the plan declares for one mailbox this run: its wave's reasons and its own. */
export interface MailboxDeclaration {
  readonly wave: string;
  readonly phaseRollback?: string;
  readonly phaseSkip?: string;
  readonly rebind?: string;
  readonly rekey?: string;
  /** Where a refusal points the reviewer (plan.yaml line). */
  readonly line: number;
}

export interface Refusal {
  readonly mailbox: string;
  readonly line?: number;
  readonly problem: string;
}

/** How a phase step is judged: undefined = allowed without reason; else the plan field it needs. */
export function stepNeeds(from: WavePhase | undefined, to: WavePhase): "phaseSkip" | "phaseRollback" | undefined {
  if (from === undefined) return to === "copying" ? undefined : "phaseSkip";
  const step = phaseRank(to) - phaseRank(from);
  if (step < 0) return "phaseRollback";
  return step > 1 ? "phaseSkip" : undefined;
}

export function describeStep(from: WavePhase | undefined, to: WavePhase): string {
  if (from === undefined) return `was never copied (no recorded phase) but its wave is at ${to}`;
  return phaseRank(to) < phaseRank(from) ? `moves back from ${from} to ${to}` : `jumps from ${from} to ${to}, skipping ${phaseRankName(phaseRank(from) + 1)}`;
}

function phaseRankName(rank: number): string {
  return (["copying", "cut-over", "done"] as const)[rank] ?? "a phase";
}

/** The identity facts of a mailbox that must stay with it once it receives mail. */
export interface DeclaredIdentity {
  readonly mailbox: string;
  readonly kind: string;
  readonly ownerUid?: string;
  readonly sourceGuid: string;
  readonly sourceAddress: string;
  readonly primary?: string;
  readonly home: string;
  readonly keyName: string;
  readonly keeper: string;
}

export function identityOf(entry: LockEntry): DeclaredIdentity {
  return {
    mailbox: entry.mailbox,
    kind: entry.kind,
    ...(entry.owner ? { ownerUid: entry.owner.uid } : {}),
    sourceGuid: entry.source.exchangeGuid,
    sourceAddress: entry.source.address,
    ...(entry.addresses[0] !== undefined ? { primary: entry.addresses[0] } : {}),
    home: entry.home,
    keyName: entry.key.name,
    keeper: entry.key.keeper,
  };
}

export interface IdentityChange {
  /** The migrated mailbox on record whose identity the declared one changes. */
  readonly locked: LockEntry;
  /** What changes: home, key, source. */
  readonly changed: readonly ("home" | "key" | "source")[];
  /** Why the declared mailbox is "the same mailbox" as the locked one. */
  readonly sameBy: readonly string[];
  readonly needs: readonly ("rekey" | "rebind")[];
}

const lower = (s: string | undefined) => s?.toLowerCase();

/**
 * Identity changes of migrated mailboxes (phase ≥ cut-over on record) that a declared mailbox makes:
 * the same mailbox id with another home, key or source; or a new mailbox id that carries a migrated
 * mailbox's Exchange source, source address, primary address or owner uid (a re-created directory
 * entry, a changed ExchangeGuid). `others` are history entries no longer declared under their own id.
 */
export function identityChanges(declared: DeclaredIdentity, sameId: LockEntry | undefined, others: readonly LockEntry[]): IdentityChange[] {
  const changes: IdentityChange[] = [];
  if (sameId && isMigrated(entryPhase(sameId))) {
    const changed = changedFields(declared, sameId);
    if (changed.length) changes.push({ locked: sameId, changed, sameBy: ["mailbox id"], needs: needsFor(changed) });
    return changes;
  }
  // A mailbox still copying (or new) may take over a migrated mailbox that left the plan: its source,
  // addresses or owner now point here while the mail already delivered stays at the old home.
  for (const locked of others) {
    if (locked.mailbox === declared.mailbox || !isMigrated(entryPhase(locked))) continue;
    const sameBy = [
      ...(locked.source.exchangeGuid === declared.sourceGuid ? ["Exchange source"] : []),
      ...(lower(locked.source.address) === lower(declared.sourceAddress) ? ["source address"] : []),
      ...(locked.addresses[0] !== undefined && lower(locked.addresses[0]) === lower(declared.primary) ? ["primary address"] : []),
      ...(locked.kind === "personal" &&
      declared.kind === "personal" &&
      locked.owner &&
      declared.ownerUid !== undefined &&
      normaliseUid(locked.owner.uid) === normaliseUid(declared.ownerUid)
        ? ["owner uid"]
        : []),
    ];
    if (!sameBy.length) continue;
    const changed = changedFields(declared, locked);
    changes.push({ locked, changed, sameBy, needs: needsFor(changed) });
  }
  return changes;
}

function changedFields(declared: DeclaredIdentity, locked: LockEntry): ("home" | "key" | "source")[] {
  return [
    ...(declared.home !== locked.home ? (["home"] as const) : []),
    ...(declared.keyName !== locked.key.name || declared.keeper !== locked.key.keeper ? (["key"] as const) : []),
    ...(declared.sourceGuid !== locked.source.exchangeGuid ? (["source"] as const) : []),
  ];
}

function needsFor(changed: readonly string[]): ("rekey" | "rebind")[] {
  return [...(changed.includes("home") || changed.includes("key") ? (["rekey"] as const) : []), ...(changed.includes("source") ? (["rebind"] as const) : [])];
}

/** Whether a lock entry records the reviewed reasons that cover an identity change. */
export function coveredBy(entry: Pick<LockEntry, "rebind" | "rekey" | "replaces" | "mailbox">, change: IdentityChange): boolean {
  const replaces = change.locked.mailbox === entry.mailbox || (entry.replaces ?? []).includes(change.locked.mailbox);
  return replaces && change.needs.every((n) => (n === "rekey" ? entry.rekey : entry.rebind) !== undefined);
}

/** Every entry a lock has on record, active first, by mailbox id. */
export function historyById(lock: BindingLock | undefined): Map<string, LockEntry> {
  const byId = new Map<string, LockEntry>();
  for (const e of lock?.retired ?? []) byId.set(e.mailbox, e);
  for (const e of lock?.mailboxes ?? []) byId.set(e.mailbox, e);
  return byId;
}

/** Contexts that hold a migrated mailbox on record: their OX context id must never change. */
export function migratedContexts(lock: BindingLock | undefined): Set<string> {
  return new Set([...historyById(lock).values()].filter((e) => isMigrated(entryPhase(e))).map((e) => e.context));
}

/** The later of two phases (for merging two records of the same history). */
function later(a: WavePhase, b: WavePhase): WavePhase {
  return phaseRank(a) >= phaseRank(b) ? a : b;
}

/**
 * One history from two records of it (the working tree's lock and the last committed one): the
 * furthest phase per mailbox, every retired entry. So a hand-edited or deleted working-tree lock
 * cannot reset what was committed.
 */
export function mergeHistory(current: BindingLock | undefined, committed: BindingLock | undefined): BindingLock | undefined {
  if (!current || !committed) return current ?? committed;
  const seen = historyById(current);
  const committedById = historyById(committed);
  const raise = (e: LockEntry): LockEntry => {
    const other = committedById.get(e.mailbox);
    return other ? { ...e, phase: later(entryPhase(e), entryPhase(other)) } : e;
  };
  const retiredOnlyCommitted = [...committedById.values()].filter((e) => !seen.has(e.mailbox));
  return {
    ...current,
    contexts: { ...(committed.contexts ?? {}), ...(current.contexts ?? {}) },
    mailboxes: current.mailboxes.map(raise),
    retired: [...(current.retired ?? []).map(raise), ...retiredOnlyCommitted],
  };
}

/**
 * The lock to write: `fresh` (the plan now, each mailbox at its wave's phase) with the history of
 * `previous` carried forward. Refusals name each step the plan gives no reviewed reason for.
 */
export function advanceLock(
  fresh: BindingLock,
  previous: BindingLock | undefined,
  declarations: ReadonlyMap<string, MailboxDeclaration>,
): { lock: BindingLock; refusals: Refusal[] } {
  const refusals: Refusal[] = [];
  const history = historyById(previous);
  const declaredIds = new Set(fresh.mailboxes.map((e) => e.mailbox));
  const gone = [...history.values()].filter((e) => !declaredIds.has(e.mailbox));
  const mailboxes = fresh.mailboxes.map((entry) => {
    const declared = declarations.get(entry.mailbox);
    const was = history.get(entry.mailbox);
    const label = entry.addresses[0] ?? entry.mailbox;
    const refuse = (problem: string) =>
      refusals.push({ mailbox: entry.mailbox, ...(declared ? { line: declared.line } : {}), problem: `mailbox ${label} (${entry.mailbox}) ${problem}` });
    const changes = identityChanges(identityOf(entry), was, gone);
    // A new id that takes over a migrated mailbox continues that mailbox's lifecycle.
    const inherited = changes.map((c) => entryPhase(c.locked)).sort((a, b) => phaseRank(b) - phaseRank(a))[0];
    const from = was ? entryPhase(was) : inherited;
    const to = entryPhase(entry);
    const needs = stepNeeds(from, to);
    const reason = needs === "phaseRollback" ? declared?.phaseRollback : needs === "phaseSkip" ? declared?.phaseSkip : undefined;
    if (needs && !reason)
      refuse(`${describeStep(from, to)}; this needs \`${needs}: "<reason>"\` on wave ${declared?.wave ?? entry.wave} and a reviewed lock change`);
    const phaseReason = reason ?? (from === to ? was?.phaseReason : undefined);
    let identity: Pick<LockEntry, "rebind" | "rekey" | "replaces"> = was ? pickIdentity(was) : {};
    if (changes.length) {
      const missing = [...new Set(changes.flatMap((c) => c.needs))].filter((n) => (n === "rekey" ? declared?.rekey : declared?.rebind) === undefined);
      for (const c of changes) {
        if (missing.some((n) => c.needs.includes(n))) {
          refuse(
            `changes the ${c.changed.join(", ")} of mailbox ${c.locked.addresses[0] ?? c.locked.mailbox} (${c.locked.mailbox}, phase ${entryPhase(c.locked)}; same ${c.sameBy.join(", ")}); a mailbox that already receives mail keeps its home, key and source unless the plan declares ${c.needs.map((n) => `\`${n}: "<reason>"\``).join(" and ")} on it`,
          );
        }
      }
      const replaced = changes.map((c) => c.locked.mailbox).filter((id) => id !== entry.mailbox);
      identity = {
        ...(declared?.rebind !== undefined ? { rebind: declared.rebind } : {}),
        ...(declared?.rekey !== undefined ? { rekey: declared.rekey } : {}),
        ...(replaced.length
          ? { replaces: [...new Set([...(identity.replaces ?? []), ...replaced])].sort() }
          : identity.replaces
            ? { replaces: identity.replaces }
            : {}),
      };
    }
    const { phaseReason: _dropReason, rebind: _b, rekey: _k, replaces: _r, ...binding } = entry;
    return { ...binding, phase: to, ...(phaseReason !== undefined ? { phaseReason } : {}), ...identity };
  });
  appendAll(refusals, contextRefusals(fresh, previous));
  const retired = gone.map((e) => ({ ...e })).sort((a, b) => (a.context < b.context ? -1 : a.context > b.context ? 1 : a.mailbox < b.mailbox ? -1 : 1));
  const contexts = { ...(previous?.contexts ?? {}), ...(fresh.contexts ?? {}) };
  const sortedContexts = Object.fromEntries(
    Object.keys(contexts)
      .sort()
      .map((c) => [c, contexts[c]!]),
  );
  return { lock: { ...fresh, contexts: sortedContexts, mailboxes, retired }, refusals };
}

function pickIdentity(e: LockEntry): Pick<LockEntry, "rebind" | "rekey" | "replaces"> {
  return {
    ...(e.rebind !== undefined ? { rebind: e.rebind } : {}),
    ...(e.rekey !== undefined ? { rekey: e.rekey } : {}),
    ...(e.replaces ? { replaces: e.replaces } : {}),
  };
}

/** A context id that changes after mailboxes of the context were cut over re-points every OX account there. */
function contextRefusals(fresh: BindingLock, previous: BindingLock | undefined): Refusal[] {
  const migrated = migratedContexts(previous);
  const refusals: Refusal[] = [];
  for (const [name, now] of Object.entries(fresh.contexts ?? {})) {
    const was = previous?.contexts?.[name];
    if (!was || !migrated.has(name) || was.id === now.id) continue;
    refusals.push({
      mailbox: "",
      problem: `context ${name}: its OX context id changes from ${was.id ?? "unset"} to ${now.id ?? "unset"}, but mailboxes of the context are already cut over; a context id never changes once it receives mail`,
    });
  }
  return refusals;
}
