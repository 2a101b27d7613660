// What the incident drill must prove, judged from what it injected and what the audit, the cleanup and
// the targets say. Pure. Messages are recognised by Message-ID: every seeded message carries a unique
// one naming its source (seed.ts uniqueHeaders), every message delivered after cut-over one of its own.
import type { AuditResult, TargetVerdict } from "@oxmig/core/audit";
import { appendAll } from "@oxmig/core/append";
import { incomplete } from "@oxmig/core/audit";
import type { CleanOutcome, CleanPlanEntry } from "../../audit/clean";
import type { Misbinding } from "./injection";
import { uniqueHeaders } from "../migration/seed";

/** The seeded Message-IDs of one source, numbers 1…count. */
export function seededIds(exchangeGuid: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => uniqueHeaders(exchangeGuid, i + 1)["Message-ID"]!);
}

const SEEDED = /^<([0-9a-f-]+)\.\d+@rehearsal\.oxmig\.example>$/;

/** The source a seeded Message-ID names, or undefined for any other message. */
export function seededSourceOf(messageId: string | undefined): string | undefined {
  return messageId ? SEEDED.exec(messageId)?.[1] : undefined;
}

export interface Detection {
  readonly found: readonly Misbinding[];
  readonly missed: readonly Misbinding[];
  /** Targets the audit says hold someone else's mail although nothing was crossed into them. */
  readonly falseAlarms: readonly TargetVerdict[];
}

/** Every injected misbinding must be named by the audit (the target, and the source it wrongly got), and nothing else. */
export function judgeDetection(injected: readonly Misbinding[], audit: AuditResult): Detection {
  const byLogin = new Map(audit.verdicts.map((v) => [v.login, v]));
  const holds = (m: Misbinding) => {
    const v = byLogin.get(m.target.dovecotLogin);
    return v !== undefined && v.status === "foreign" && v.foreign.some((f) => f.exchangeGuid === m.sourceOf.source.exchangeGuid);
  };
  const injectedInto = new Map(injected.map((m) => [m.target.dovecotLogin, m.sourceOf.source.exchangeGuid]));
  const falseAlarms = audit.verdicts.filter(
    (v) => (v.status === "foreign" || v.status === "mixed") && v.foreign.some((f) => f.exchangeGuid !== injectedInto.get(v.login)),
  );
  return { found: injected.filter(holds), missed: injected.filter((m) => !holds(m)), falseAlarms };
}

export interface ExpectedRemoval {
  readonly login: string;
  readonly messageId: string;
}

export interface CleanJudgement {
  readonly expected: number;
  readonly removed: number;
  /** Foreign messages the cleanup did not remove. */
  readonly notRemoved: readonly ExpectedRemoval[];
  /** Messages it removed that were not foreign (or removed twice). */
  readonly wronglyRemoved: readonly ExpectedRemoval[];
  /** Removals the target refused. */
  readonly failed: readonly CleanOutcome[];
}

const keyOf = (r: ExpectedRemoval) => `${r.login}\u0000${r.messageId}`;

/** The cleanup must remove exactly the crossed-in messages: count and identity (mailbox, Message-ID). */
export function judgeClean(expected: readonly ExpectedRemoval[], outcomes: readonly CleanOutcome[]): CleanJudgement {
  const removed = outcomes
    .filter((o) => o.removed)
    .map((o) => ({ login: o.entry.login, messageId: o.entry.message.messageId ?? `(no Message-ID, guid ${o.entry.message.guid})` }));
  const left = new Map(expected.map((e) => [keyOf(e), e]));
  const wronglyRemoved: ExpectedRemoval[] = [];
  for (const r of removed) {
    if (left.has(keyOf(r))) left.delete(keyOf(r));
    else wronglyRemoved.push(r);
  }
  return { expected: expected.length, removed: removed.length, notRemoved: [...left.values()], wronglyRemoved, failed: outcomes.filter((o) => !o.removed) };
}

/** The planned removals, for the report (who held whose mail). */
export function plannedRemovals(plan: readonly CleanPlanEntry[]): ExpectedRemoval[] {
  return plan.map((p) => ({ login: p.login, messageId: p.message.messageId ?? "" }));
}

export interface TargetExpectation {
  readonly login: string;
  /** Message-IDs that must be there exactly once: the rightful sources' seeded mail and the mail delivered after cut-over. */
  readonly own: readonly string[];
  readonly afterCutOver: readonly string[];
  /** ExchangeGuids whose seeded mail belongs here. */
  readonly rightfulSources: readonly string[];
}

export interface TargetCount {
  readonly login: string;
  /** Rightful seeded messages present (each counted once). */
  readonly own: number;
  readonly afterCutOver: number;
  readonly lost: readonly string[];
  /** Extra copies of expected messages. */
  readonly duplicated: number;
  /** Seeded messages of other sources still there. */
  readonly foreign: number;
  /** Messages that are neither expected nor seeded anywhere. */
  readonly unexpected: number;
  readonly total: number;
}

/** Final count per target: every expected message exactly once, nothing foreign, nothing else. */
export function countTarget(expectation: TargetExpectation, messageIds: readonly (string | undefined)[]): TargetCount {
  const seen = new Map<string, number>();
  for (const id of messageIds) if (id) seen.set(id, (seen.get(id) ?? 0) + 1);
  const expected = new Set([...expectation.own, ...expectation.afterCutOver]);
  const rightful = new Set(expectation.rightfulSources);
  let foreign = 0;
  let unexpected = messageIds.filter((id) => !id).length;
  for (const [id, n] of seen) {
    if (expected.has(id)) continue;
    const source = seededSourceOf(id);
    if (source !== undefined && !rightful.has(source)) foreign += n;
    else unexpected += n;
  }
  const present = (ids: readonly string[]) => ids.filter((id) => seen.has(id)).length;
  return {
    login: expectation.login,
    own: present(expectation.own),
    afterCutOver: present(expectation.afterCutOver),
    lost: [...expected].filter((id) => !seen.has(id)),
    duplicated: [...expected].reduce((n, id) => n + Math.max(0, (seen.get(id) ?? 0) - 1), 0),
    foreign,
    unexpected,
    total: messageIds.length,
  };
}

/** Why the final audit does not show a clean wave (empty when it does). */
export function finalAuditProblems(audit: AuditResult): string[] {
  const problems = audit.verdicts.flatMap((v) => {
    if (v.status === "unreadable") return [`final audit could not read the mailbox of ${v.reader}: ${v.why}`];
    if (v.status === "clean" || v.status === "adoptable") return [];
    return [`final audit: the mailbox of ${v.reader} still holds ${v.foreign.map((f) => `${f.messages.length} message(s) of ${f.owner}`).join("; ")}`];
  });
  if (incomplete(audit))
    appendAll(
      problems,
      audit.unreadableSources.map((s) => `final audit could not read the source of ${s.owner}: ${s.why}`),
    );
  return problems;
}
