// The reviewer's view of a change: which mailboxes appear, disappear or change hands, with evidence.
import { phaseRank } from "./lifecycle";
import { lockEntryFor, type LockEntry } from "./lock";
import { stepNeeds } from "./lock-history";
import type { Binding, Inventory, Person, SourceMailbox, WavePhase } from "./model";

/** Wave name → declared phase, at the base and in the working tree. */
export interface ReviewPhases {
  readonly base: Readonly<Record<string, WavePhase>>;
  readonly head: Readonly<Record<string, WavePhase>>;
}

/** A mailbox whose lifecycle phase changes (judged per mailbox, whatever its wave is called). */
export interface PhaseChange {
  readonly mailbox: string;
  readonly address: string;
  readonly before?: { readonly wave: string; readonly phase: WavePhase };
  readonly after: { readonly wave: string; readonly phase: WavePhase };
  /** Set when the step needs a reviewed reason: the plan field that gives it. */
  readonly needs?: "phaseRollback" | "phaseSkip";
}

export interface Rebinding {
  readonly mailbox: string;
  readonly address: string;
  readonly before: LockEntry;
  readonly after: LockEntry;
  readonly changedFields: readonly string[];
  /** Directory and Exchange facts a reviewer needs to judge the change. */
  readonly evidence: readonly string[];
}

export interface Review {
  readonly added: readonly LockEntry[];
  readonly removed: readonly LockEntry[];
  readonly rebound: readonly Rebinding[];
  readonly keysCreated: readonly string[];
  /** Keys of mailboxes that stay but whose key identity changed: mail encrypted with the old key becomes unreadable. */
  readonly keysRotated: readonly string[];
  /** Keys whose mailbox left the plan. */
  readonly keysOrphaned: readonly string[];
  /** Per-mailbox phase changes (only when phases were given). */
  readonly phaseChanges: readonly PhaseChange[];
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
      address: b.primaryAddress.normalised,
      ...(was && from ? { before: { wave: was.wave, phase: from } } : {}),
      after: { wave: b.wave, phase: to },
      ...(needs ? { needs } : {}),
    });
  }
  return changes.sort((a, b) => phaseRank(a.after.phase) - phaseRank(b.after.phase) || (a.address < b.address ? -1 : 1));
}

export function computeReview(base: readonly Binding[], head: readonly Binding[], inventory: Inventory, phases?: ReviewPhases): Review {
  const before = new Map(base.map((b) => [b.mailboxId, lockEntryFor(b)]));
  const after = new Map(head.map((b) => [b.mailboxId, lockEntryFor(b)]));
  const people = new Map(inventory.people.map((p) => [p.immutableId, p]));
  const sources = new Map(inventory.sources.map((s) => [s.exchangeGuid, s]));
  const added = [...after.values()].filter((e) => !before.has(e.mailbox));
  const removed = [...before.values()].filter((e) => !after.has(e.mailbox));
  const rebound: Rebinding[] = [];
  const keysRotated: string[] = [];
  for (const [id, now] of after) {
    const was = before.get(id);
    if (!was) continue;
    const changedFields = (Object.keys(now) as (keyof LockEntry)[]).filter((f) => JSON.stringify(was[f]) !== JSON.stringify(now[f]));
    if (changedFields.includes("key")) keysRotated.push(now.key.name);
    if (changedFields.length) {
      rebound.push({ mailbox: id, address: now.addresses[0] ?? id, before: was, after: now, changedFields, evidence: evidence(now, people, sources) });
    }
  }
  return {
    added,
    removed,
    rebound,
    keysCreated: added.map((e) => e.key.name),
    keysRotated,
    keysOrphaned: removed.map((e) => e.key.name),
    phaseChanges: phases ? phaseChanges(base, head, phases) : [],
  };
}

function evidence(entry: LockEntry, people: Map<string, Person>, sources: Map<string, SourceMailbox>): string[] {
  const facts: string[] = [];
  const owner = entry.owner ? people.get(entry.owner.id) : undefined;
  if (entry.owner) {
    facts.push(
      owner
        ? `directory: ${owner.uid} = ${owner.displayName} (${owner.ou}, ${owner.dn}, line ${owner.line})${owner.disabled ? ", DISABLED" : ""}`
        : `directory: owner id ${entry.owner.id} not found`,
    );
  }
  const source = sources.get(entry.source.exchangeGuid);
  if (source) {
    const holder = [...people.values()].find((p) => p.objectGuid === source.ownerGuid);
    facts.push(
      `exchange: ${source.primarySmtp.display} (${source.type}, line ${source.line}) belongs to AD account ${source.ownerGuid}` +
        (holder ? ` = ${holder.uid} (${holder.displayName}, ${holder.ou})` : " (not in the directory's objectGUIDs)"),
    );
  }
  return facts;
}

function ownerText(e: LockEntry): string {
  return e.owner ? `${e.owner.uid} (${e.owner.id})` : `${e.kind} mailbox`;
}

export function renderReviewMarkdown(stack: string, review: Review, verdict?: string): string {
  const lines = [`## Binding review: stack \`${stack}\``, ""];
  if (verdict) lines.push(verdict, "");
  lines.push(
    `| added | removed | re-bound | keys created | keys rotated | keys orphaned |`,
    `|---:|---:|---:|---:|---:|---:|`,
    `| ${review.added.length} | ${review.removed.length} | ${review.rebound.length} | ${review.keysCreated.length} | ${review.keysRotated.length} | ${review.keysOrphaned.length} |`,
    "",
  );
  if (review.rebound.length) {
    lines.push("### Re-bound mailboxes (check each one)", "");
    for (const r of review.rebound) {
      lines.push(`- **${r.address}**: ${ownerText(r.before)} → ${ownerText(r.after)}; changed: ${r.changedFields.join(", ")}`);
      for (const f of r.changedFields) lines.push(`  - \`${f}\`: \`${JSON.stringify(r.before[f as keyof LockEntry])}\` → \`${JSON.stringify(r.after[f as keyof LockEntry])}\``);
      for (const e of r.evidence) lines.push(`  - ${e}`);
    }
    lines.push("");
  }
  if (review.keysRotated.length || review.keysOrphaned.length) {
    lines.push("### ⚠ Keys", "", "Mail encrypted with a rotated or dropped key can never be read again.", "");
    for (const k of review.keysRotated) lines.push(`- rotated: \`${k}\``);
    for (const k of review.keysOrphaned) lines.push(`- mailbox left the plan, key must be kept: \`${k}\``);
    lines.push("");
  }
  if (review.phaseChanges.length) {
    lines.push("### Phase changes (per mailbox)", "");
    for (const c of review.phaseChanges.slice(0, 500)) {
      const from = c.before ? `${c.before.phase} (wave ${c.before.wave})` : "never copied";
      const warn = c.needs ? ` ⚠ needs \`${c.needs}\`${c.needs === "phaseRollback" ? ": the next backup -R expunges mail delivered to the target" : ": a step is skipped"}` : "";
      lines.push(`- ${c.address}: ${from} → ${c.after.phase} (wave ${c.after.wave})${warn}`);
    }
    if (review.phaseChanges.length > 500) lines.push(`- … and ${review.phaseChanges.length - 500} more`);
    lines.push("");
  }
  const list = (title: string, entries: readonly LockEntry[]) => {
    if (!entries.length) return;
    lines.push(`<details><summary>${title} (${entries.length})</summary>`, "");
    for (const e of entries.slice(0, 500)) lines.push(`- ${e.addresses[0] ?? e.mailbox}: ${ownerText(e)}, wave ${e.wave}`);
    if (entries.length > 500) lines.push(`- … and ${entries.length - 500} more`);
    lines.push("", "</details>", "");
  };
  list("Added mailboxes", review.added);
  list("Removed mailboxes", review.removed);
  if (!review.added.length && !review.removed.length && !review.rebound.length) lines.push("No binding changes.", "");
  return lines.join("\n");
}
