// Renders a RunReport as text (summary table + failures), JSON or JUnit XML.
import Table from "cli-table3";
import type { OutputFormat } from "@oxmig/core/output-format";
import { XMLBuilder } from "fast-xml-parser";
import { personLabel, reportPassed, type ReportFailure, type RunReport } from "./run-report";

export type ReportFormat = Extract<OutputFormat, "text" | "json" | "junit">;

export function formatReport(report: RunReport, format: ReportFormat): string {
  if (format === "json") return `${JSON.stringify({ ...report, passed: reportPassed(report) }, null, 2)}\n`;
  if (format === "junit") return formatJunit(report);
  return formatText(report);
}

function formatText(report: RunReport): string {
  const counted = report.rows.some((r) => r.messages !== undefined);
  const head = ["step", "checked", "failed", ...(counted ? ["on target"] : []), "time"];
  const table = new Table({
    head,
    colAligns: head.map((_, i) => (i === 0 ? "left" : "right")),
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  const time = (ms?: number) => (ms === undefined ? "" : `${(ms / 1000).toFixed(1)} s`);
  for (const r of report.rows) table.push([r.step, r.checked, r.failed, ...(counted ? [r.messages ?? ""] : []), time(r.ms)]);
  const failures = report.failures.map(failureText);
  const verdict = reportPassed(report)
    ? `PASSED: ${report.mailboxes} mailboxes, no failure`
    : `FAILED: ${report.failures.length} failure(s) affecting ${new Set(report.failures.flatMap((f) => f.people.map((p) => p.mailboxId))).size} mailbox(es)`;
  return [`${report.title}`, table.toString(), ...(report.notes ?? []), ...(failures.length ? ["", "Failures:", ...failures] : []), "", verdict, ""].join("\n");
}

function failureText(f: ReportFailure): string {
  const people = f.people.map((p) => `    ${personLabel(p)}`).join("\n");
  return `  ${f.step} on ${personLabel(f.mailbox)}\n    ${f.detail}\n  people affected:\n${people}`;
}

function formatJunit(report: RunReport): string {
  const cases = report.rows.map((r) => {
    const failures = report.failures.filter((f) => f.step === r.step);
    const base = { "@_name": r.step, "@_classname": "oxmig-rehearsal", ...(r.ms !== undefined ? { "@_time": (r.ms / 1000).toFixed(3) } : {}) };
    if (failures.length === 0) return base;
    const text = failures.map((f) => `${f.detail}\npeople: ${f.people.map(personLabel).join("; ")}`).join("\n\n");
    return { ...base, failure: { "@_message": `${failures.length} failure(s)`, "#text": text } };
  });
  const failed = cases.filter((c) => "failure" in c).length;
  const doc = {
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    testsuites: {
      "@_name": "oxmig-rehearsal",
      "@_tests": cases.length,
      "@_failures": failed,
      testsuite: { "@_name": report.title, "@_tests": cases.length, "@_failures": failed, "@_errors": 0, testcase: cases },
    },
  };
  return new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true }).build(doc) as string;
}
