// The incident drill's report, people first: for every crossed mailbox whose it is, whose mail it got,
// and what each step of the runbook did about it; then every failed check, then the counts. Counts,
// Message-IDs and names only: no subject, body or password.
import type { OutputFormat } from "@oxmig/core/output-format";
import { drillPassed, type AffectedMailbox, type DrillResult, type WaveDrill } from "./drill";

export type DrillFormat = Extract<OutputFormat, "text" | "json">;

/** The last line of every report: what the drill is judged by. */
export function countsLine(result: DrillResult): string {
  const t = result.totals;
  return `incident drill: ${t.found} affected found of ${t.affected}, ${t.lost} lost, ${t.foreignLeft} foreign left`;
}

function verdictLine(result: DrillResult): string {
  const t = result.totals;
  const problems = result.waves.reduce((n, w) => n + w.problems.length, 0);
  const head = drillPassed(result) ? "PASSED" : `FAILED: ${problems} problem(s)`;
  return `${head}: ${t.mailboxes} mailboxes in ${result.waves.length} wave(s), ${t.foreignRemoved} of ${t.foreignExpected} foreign message(s) removed, ${t.reimported} re-migrated (+${t.lateReimported} later), ${t.duplicated} duplicated, ${t.messagesAtEnd} message(s) on the targets at the end (${t.seeded} seeded, ${t.delivered} delivered after cut-over), ${(result.ms / 1000).toFixed(1)} s`;
}

function mailboxLines(a: AffectedMailbox): string[] {
  const f = a.final;
  return [
    `  mailbox of ${a.reader}`,
    `    crossed in: the mail of ${a.crossedIn}`,
    `    audit:      ${a.found ? `found, ${a.foundMessages} message(s) of that person` : "NOT FOUND"}`,
    `    contain:    ${a.contained ? "own login refused, master access kept" : "not contained"}`,
    `    clean:      ${a.removed} of ${a.foreignExpected} foreign message(s) removed`,
    `    at the end: ${f.own} own message(s), ${f.afterCutOver} delivered after cut-over, ${f.lost.length} lost, ${f.duplicated} duplicated, ${f.foreign} foreign`,
  ];
}

function waveLines(w: WaveDrill): string[] {
  const c = w.counts;
  const steps = w.steps.map((s) => `${s.step} ${(s.ms / 1000).toFixed(1)} s`).join(" · ");
  return [
    `Wave ${w.wave}: ${c.affected} of ${c.mailboxes} mailbox(es) crossed on purpose${c.affected ? "" : " (too few mailboxes to cross)"}`,
    ...w.affected.flatMap(mailboxLines),
    ...w.problems.map((p) => `  FAIL ${p}`),
    `  steps: ${steps}`,
    "",
  ];
}

function text(title: string, result: DrillResult): string {
  return [title, "", ...result.waves.flatMap(waveLines), verdictLine(result), countsLine(result), ""].join("\n");
}

function json(title: string, result: DrillResult): string {
  return `${JSON.stringify({ title, passed: drillPassed(result), summary: countsLine(result), totals: result.totals, ms: Math.round(result.ms), waves: result.waves }, null, 2)}\n`;
}

export function formatDrill(title: string, result: DrillResult, format: DrillFormat): string {
  return format === "json" ? json(title, result) : text(title, result);
}

/** What stdout gets when the report goes to a file: the verdict and, last, the counts. */
export function drillSummary(result: DrillResult): string {
  return `${verdictLine(result)}\n${countsLine(result)}\n`;
}
