// Human-readable gate report: mandatory findings in full, grouped per plan line under its source and
// the person it is bound to, the decisive evidence first; advisory ones collapsed per policy (a count
// and a few examples) unless verbose; then the verdict line.
import { appendAll } from "@oxmig/core/append";
import type { GateResult, GateViolation } from "../../engine/types";
import { isBlocking } from "../../engine/violations";
import { findingSubject, groupFindings, location, type FindingGroup } from "./subject";

/** How many advisory findings per policy a collapsed report shows. */
export const ADVISORY_EXAMPLES = 3;

export interface ReportOptions {
  /** List every advisory finding instead of a count and a few examples per policy. */
  readonly verbose?: boolean;
}

function where(v: GateViolation): string {
  return v.file !== undefined ? ` (${v.file}:${v.line})` : "";
}

/** A finding under its group's heading: the heading already names the plan line it shares. */
function line(v: GateViolation, group: FindingGroup): string {
  const at = group.location !== undefined && location(v) === group.location ? "" : where(v);
  return `  ${v.level.toUpperCase().padEnd(9)} ${v.policy}: ${v.message}${at}`;
}

/** "maria.mueller@fa-luebeck.example → Maria Müller (mmueller2, im) · plan.yaml:16 · mailbox id a5b6…". */
export function groupHeading(group: FindingGroup): string {
  if (!group.subject) return group.title;
  return [group.title, ...(group.location ? [group.location] : []), `mailbox id ${group.subject.mailboxId}`].join(" · ");
}

function byMailbox(violations: readonly GateViolation[]): string[] {
  const out: string[] = [];
  for (const group of groupFindings(violations)) {
    out.push(groupHeading(group));
    appendAll(
      out,
      group.findings.map((v) => line(v, group)),
    );
  }
  return out;
}

/** One block per policy: how many findings, and the first few as examples. */
export function collapsedAdvisories(violations: readonly GateViolation[]): { policy: string; level: string; count: number; examples: string[] }[] {
  const blocks = new Map<string, GateViolation[]>();
  for (const v of violations) {
    const k = `${v.level}\u0000${v.policy}`;
    const list = blocks.get(k);
    if (list) list.push(v);
    else blocks.set(k, [v]);
  }
  return [...blocks.values()].map((group) => ({
    policy: group[0]!.policy,
    level: group[0]!.level,
    count: group.length,
    examples: group.slice(0, ADVISORY_EXAMPLES).map((v) => `${findingSubject(v)}: ${v.message}${where(v)}`),
  }));
}

export function verdict(result: GateResult): string {
  const blocking = result.violations.filter(isBlocking).length;
  const advisory = result.violations.length - blocking;
  const counts = `${blocking} mandatory, ${advisory} advisory violation(s); ${result.mailboxes} mailbox(es) checked`;
  return blocking > 0 ? `REJECTED stack ${result.stack}: ${counts}` : `PASSED stack ${result.stack}: ${counts}`;
}

export function formatText(result: GateResult, options: ReportOptions = {}): string {
  const blocking = result.violations.filter(isBlocking);
  const other = result.violations.filter((v) => !isBlocking(v));
  const out = byMailbox(blocking);
  if (other.length && options.verbose) {
    out.push(`${other.length} advisory finding(s):`);
    appendAll(out, byMailbox(other));
  } else if (other.length) {
    out.push(`${other.length} advisory finding(s), collapsed per policy (--verbose lists all):`);
    for (const block of collapsedAdvisories(other)) {
      out.push(`  ${block.level.toUpperCase().padEnd(9)} ${block.policy}: ${block.count} finding(s), e.g.`);
      appendAll(
        out,
        block.examples.map((e) => `    ${e}`),
      );
      if (block.count > block.examples.length) out.push(`    … and ${block.count - block.examples.length} more`);
    }
  }
  out.push(verdict(result));
  return out.join("\n") + "\n";
}
