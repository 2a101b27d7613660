// Markdown for a pull-request comment: the verdict, the mandatory findings per plan line (headed by
// its source and the person it is bound to, the decisive evidence first), and the advisory ones
// (collapsed per policy unless verbose) in a folded section. Everything quoted from the inputs is
// escaped (core/markdown-text.ts): a display name cannot inject Markdown into the comment.
import { appendAll } from "@oxmig/core/append";
import { escapeMarkdown } from "@oxmig/core/markdown-text";
import type { GateResult, GateViolation } from "../../engine/types";
import { isBlocking } from "../../engine/violations";
import { groupFindings, location, type FindingGroup } from "./subject";
import { collapsedAdvisories, verdict, type ReportOptions } from "./text";

/** A policy name is the pack's own identifier; a backtick cannot end its code span early. */
function code(s: string): string {
  return `\`${s.replace(/`/g, "'")}\``;
}

function row(v: GateViolation, group: FindingGroup): string {
  const at = location(v);
  const elsewhere = at !== undefined && at !== group.location ? ` (${escapeMarkdown(at)})` : "";
  return `| ${v.level} | ${code(v.policy)} | ${escapeMarkdown(v.message)}${elsewhere} |`;
}

const HEADER = ["| Level | Policy | Finding |", "|---|---|---|"];

function groupSection(group: FindingGroup): string[] {
  const details = [
    ...(group.location ? [escapeMarkdown(group.location)] : []),
    ...(group.subject ? [`mailbox id ${escapeMarkdown(group.subject.mailboxId)}`] : []),
  ];
  return [
    `#### ${escapeMarkdown(group.title)}`,
    "",
    ...(details.length ? [details.join(" · "), ""] : []),
    ...HEADER,
    ...group.findings.map((v) => row(v, group)),
    "",
  ];
}

function grouped(violations: readonly GateViolation[]): string[] {
  const lines: string[] = [];
  for (const group of groupFindings(violations)) appendAll(lines, groupSection(group));
  return lines;
}

/** The mandatory findings per mailbox (empty when there are none); review comments reuse them. */
export function mandatoryFindings(result: GateResult): string[] {
  return grouped(result.violations.filter(isBlocking));
}

function advisorySection(advisory: readonly GateViolation[], verbose: boolean): string[] {
  if (!advisory.length) return [];
  const lines = [`<details><summary>${advisory.length} advisory finding(s)</summary>`, ""];
  if (verbose) appendAll(lines, grouped(advisory));
  else {
    for (const block of collapsedAdvisories(advisory)) {
      lines.push(`- ${code(block.policy)} (${block.level}): ${block.count} finding(s), e.g.`);
      appendAll(
        lines,
        block.examples.map((e) => `  - ${escapeMarkdown(e)}`),
      );
      if (block.count > block.examples.length) lines.push(`  - … and ${block.count - block.examples.length} more (\`--verbose\` lists all)`);
    }
  }
  return [...lines, "", "</details>"];
}

export function formatMarkdown(result: GateResult, options: ReportOptions = {}): string {
  const lines = [`### Gate: ${escapeMarkdown(verdict(result))}`, ""];
  appendAll(lines, mandatoryFindings(result));
  appendAll(
    lines,
    advisorySection(
      result.violations.filter((v) => !isBlocking(v)),
      options.verbose ?? false,
    ),
  );
  return lines.join("\n").trimEnd() + "\n";
}
