// The outcome of a rehearsal or verify run as people read it: counts per phase and check, and
// every failure with the people it affects (uid, display name, mailbox address). Nothing secret.
import type { Binding } from "@oxmig/core/model";
import type { PairResult } from "../migration/migrate";
import type { PhaseTiming } from "../stack-run";
import type { Finding } from "../verification/types";

export interface PersonRef {
  /** Owner uid, or the Dovecot login of a shared/room/equipment mailbox. */
  readonly uid: string;
  readonly displayName: string;
  readonly address: string;
  readonly mailboxId: string;
}

export interface ReportRow {
  /** "seed", "migrate", "verify: canary", … */
  readonly step: string;
  readonly checked: number;
  readonly failed: number;
  readonly ms?: number;
  /** Messages on the target after this step (lifecycle rehearsal). */
  readonly messages?: number;
}

export interface ReportFailure {
  readonly step: string;
  /** The mailbox the failure was found on. */
  readonly mailbox: PersonRef;
  /** Everyone involved: the mailbox itself first, then any other mailbox the detail names. */
  readonly people: readonly PersonRef[];
  readonly detail: string;
}

export interface RunReport {
  readonly title: string;
  readonly mailboxes: number;
  readonly rows: readonly ReportRow[];
  readonly failures: readonly ReportFailure[];
  /** Totals worth a line of their own (lifecycle: lost, duplicated, foreign messages). */
  readonly notes?: readonly string[];
}

export interface ReportInput {
  readonly title: string;
  readonly bindings: readonly Binding[];
  readonly timings?: readonly PhaseTiming[];
  readonly pairs?: readonly PairResult[];
  readonly findings: readonly Finding[];
  readonly notes?: readonly string[];
}

export function personOf(b: Binding): PersonRef {
  return { uid: b.owner?.uid ?? b.dovecotLogin, displayName: b.displayName, address: b.primaryAddress.display, mailboxId: b.mailboxId };
}

export function personLabel(p: PersonRef): string {
  return `${p.uid} (${p.displayName}) <${p.address}>`;
}

/** The mailbox itself plus every other mailbox whose id or login the text names. */
function involved(own: Binding, text: string, bindings: readonly Binding[]): PersonRef[] {
  const others = bindings.filter(
    (b) => b !== own && (text.includes(b.mailboxId) || text.includes(`login ${b.dovecotLogin})`) || text.includes(` into ${b.dovecotLogin}:`)),
  );
  return [own, ...others].map(personOf);
}

function pairFailures(pairs: readonly PairResult[], byId: Map<string, Binding>, bindings: readonly Binding[]): ReportFailure[] {
  return pairs
    .filter((p) => !p.ok)
    .flatMap((p) => {
      const own = byId.get(p.pairing.mailboxId);
      if (!own) return [];
      const lines = p.stderr.split("\n");
      const reason = lines.find((l) => /Error|Panic|Fatal/.test(l)) ?? lines.at(-1) ?? "";
      const detail = `doveadm ${p.label ?? "backup -R"} of ${p.pairing.sourceLogin} into ${p.pairing.targetLogin}: exit ${p.exitCode ?? "none"}: ${reason}`;
      return [{ step: "migrate", mailbox: personOf(own), people: involved(own, detail, bindings), detail }];
    });
}

export function buildReport(input: ReportInput): RunReport {
  const { bindings, findings, pairs = [] } = input;
  const byId = new Map(bindings.map((b) => [b.mailboxId, b]));
  const row = (step: string, checked: number, failed: number, time?: number, messages?: number): ReportRow => ({
    step,
    checked,
    failed,
    ...(time !== undefined ? { ms: time } : {}),
    ...(messages !== undefined ? { messages } : {}),
  });
  const rows: ReportRow[] = [];
  const failedMailboxes = (of: readonly Finding[]) => new Set(of.filter((f) => !f.ok).map((f) => f.mailboxId)).size;
  for (const t of input.timings ?? []) {
    const failed = t.failed ?? (t.phase === "migrate" ? pairs.filter((p) => !p.ok).length : t.phase === "verify" ? failedMailboxes(findings) : 0);
    rows.push(row(t.phase, t.total, failed, t.ms, t.messages));
  }
  for (const check of new Set(findings.map((f) => f.check))) {
    const of = findings.filter((f) => f.check === check);
    rows.push(row(`verify: ${check}`, new Set(of.map((f) => f.mailboxId)).size, failedMailboxes(of)));
  }
  const failures: ReportFailure[] = [
    ...pairFailures(pairs, byId, bindings),
    ...findings
      .filter((f) => !f.ok)
      .flatMap((f) => {
        const own = byId.get(f.mailboxId);
        return own ? [{ step: `verify: ${f.check}`, mailbox: personOf(own), people: involved(own, f.detail, bindings), detail: f.detail }] : [];
      }),
  ];
  return { title: input.title, mailboxes: bindings.length, rows, failures, ...(input.notes?.length ? { notes: input.notes } : {}) };
}

export function reportPassed(report: RunReport): boolean {
  return report.failures.length === 0 && report.rows.every((r) => r.failed === 0);
}
