// Human-readable gate report: findings grouped by mailbox, then a verdict line.
import type { GateResult, GateViolation } from "../types";
import { isBlocking } from "../violations";

const NO_MAILBOX = "(not about one mailbox)";

function groupByMailbox(violations: readonly GateViolation[]): Map<string, GateViolation[]> {
  const groups = new Map<string, GateViolation[]>();
  for (const v of violations) {
    const key = v.mailbox ?? NO_MAILBOX;
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  return groups;
}

function line(v: GateViolation): string {
  const where = v.file !== undefined ? ` (${v.file}:${v.line})` : "";
  return `  ${v.level.toUpperCase().padEnd(9)} ${v.policy}: ${v.message}${where}`;
}

export function verdict(result: GateResult): string {
  const blocking = result.violations.filter(isBlocking).length;
  const advisory = result.violations.length - blocking;
  const counts = `${blocking} mandatory, ${advisory} advisory violation(s); ${result.mailboxes} mailbox(es) checked`;
  return blocking > 0 ? `REJECTED stack ${result.stack}: ${counts}` : `PASSED stack ${result.stack}: ${counts}`;
}

export function formatText(result: GateResult): string {
  const out: string[] = [];
  for (const [mailbox, violations] of groupByMailbox(result.violations)) {
    const identity = violations.find((v) => v.identity !== undefined)?.identity;
    out.push(identity !== undefined ? `mailbox ${mailbox} (owner ${identity})` : mailbox === NO_MAILBOX ? mailbox : `mailbox ${mailbox}`);
    out.push(...violations.map(line));
  }
  out.push(verdict(result));
  return out.join("\n") + "\n";
}
