// Markdown for a pull-request comment: the verdict, a table of mandatory findings, and the
// advisory ones (collapsed per policy unless verbose) in a folded section.
import type { GateResult, GateViolation } from "../types";
import { isBlocking } from "../violations";
import { collapsedAdvisories, verdict, type ReportOptions } from "./text";

function cell(s: string | undefined): string {
  const escaped = (s ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return escaped.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

function code(s: string | undefined): string {
  return s === undefined ? "" : `\`${s.replace(/`/g, "'")}\``;
}

function row(v: GateViolation): string {
  const where = v.file !== undefined ? code(`${v.file}:${v.line}`) : "";
  return `| ${v.level} | ${code(v.policy)} | ${code(v.mailbox)} | ${code(v.identity)} | ${cell(v.message)} | ${where} |`;
}

const HEADER = ["| Level | Policy | Mailbox | Identity | Finding | Plan |", "|---|---|---|---|---|---|"];

/** The table of mandatory findings (empty when there are none); review comments reuse it. */
export function mandatoryTable(result: GateResult): string[] {
  const blocking = result.violations.filter(isBlocking);
  return blocking.length ? [...HEADER, ...blocking.map(row)] : [];
}

function advisorySection(advisory: readonly GateViolation[], verbose: boolean): string[] {
  if (!advisory.length) return [];
  const lines = [`<details><summary>${advisory.length} advisory finding(s)</summary>`, ""];
  if (verbose) lines.push(...HEADER, ...advisory.map(row));
  else {
    for (const block of collapsedAdvisories(advisory)) {
      lines.push(`- ${code(block.policy)} (${block.level}): ${block.count} finding(s), e.g.`, ...block.examples.map((e) => `  - ${cell(e)}`));
      if (block.count > block.examples.length) lines.push(`  - … and ${block.count - block.examples.length} more (\`--verbose\` lists all)`);
    }
  }
  return [...lines, "", "</details>"];
}

export function formatMarkdown(result: GateResult, options: ReportOptions = {}): string {
  const lines = [`### Gate: ${cell(verdict(result))}`, ""];
  const table = mandatoryTable(result);
  if (table.length) lines.push(...table, "");
  lines.push(...advisorySection(result.violations.filter((v) => !isBlocking(v)), options.verbose ?? false));
  return lines.join("\n").trimEnd() + "\n";
}
