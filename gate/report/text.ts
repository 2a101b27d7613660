// Human-readable gate report: mandatory findings in full, grouped by mailbox; advisory ones
// collapsed per policy (a count and a few examples) unless verbose; then the verdict line.
import type { GateResult, GateViolation } from "../types";
import { isBlocking } from "../violations";

const NO_MAILBOX = "(not about one mailbox)";
/** How many advisory findings per policy a collapsed report shows. */
export const ADVISORY_EXAMPLES = 3;

export interface ReportOptions {
  /** List every advisory finding instead of a count and a few examples per policy. */
  readonly verbose?: boolean;
}

export function groupBy(violations: readonly GateViolation[], key: (v: GateViolation) => string): Map<string, GateViolation[]> {
  const groups = new Map<string, GateViolation[]>();
  for (const v of violations) {
    const k = key(v);
    const list = groups.get(k);
    if (list) list.push(v);
    else groups.set(k, [v]);
  }
  return groups;
}

function where(v: GateViolation): string {
  return v.file !== undefined ? ` (${v.file}:${v.line})` : "";
}

function line(v: GateViolation): string {
  return `  ${v.level.toUpperCase().padEnd(9)} ${v.policy}: ${v.message}${where(v)}`;
}

function subject(v: GateViolation): string {
  if (v.mailbox === undefined) return v.identity !== undefined ? `owner ${v.identity}` : NO_MAILBOX;
  return v.identity !== undefined ? `mailbox ${v.mailbox} (owner ${v.identity})` : `mailbox ${v.mailbox}`;
}

function byMailbox(violations: readonly GateViolation[]): string[] {
  const out: string[] = [];
  for (const [mailbox, group] of groupBy(violations, (v) => v.mailbox ?? NO_MAILBOX)) {
    const identity = group.find((v) => v.identity !== undefined)?.identity;
    out.push(mailbox === NO_MAILBOX ? mailbox : identity !== undefined ? `mailbox ${mailbox} (owner ${identity})` : `mailbox ${mailbox}`);
    out.push(...group.map(line));
  }
  return out;
}

/** One block per policy: how many findings, and the first few as examples. */
export function collapsedAdvisories(violations: readonly GateViolation[]): { policy: string; level: string; count: number; examples: string[] }[] {
  return [...groupBy(violations, (v) => `${v.level}\u0000${v.policy}`).values()].map((group) => ({
    policy: group[0]!.policy,
    level: group[0]!.level,
    count: group.length,
    examples: group.slice(0, ADVISORY_EXAMPLES).map((v) => `${subject(v)}: ${v.message}${where(v)}`),
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
  if (other.length && options.verbose) out.push(`${other.length} advisory finding(s):`, ...byMailbox(other));
  else if (other.length) {
    out.push(`${other.length} advisory finding(s), collapsed per policy (--verbose lists all):`);
    for (const block of collapsedAdvisories(other)) {
      out.push(`  ${block.level.toUpperCase().padEnd(9)} ${block.policy}: ${block.count} finding(s), e.g.`, ...block.examples.map((e) => `    ${e}`));
      if (block.count > block.examples.length) out.push(`    … and ${block.count - block.examples.length} more`);
    }
  }
  out.push(verdict(result));
  return out.join("\n") + "\n";
}
