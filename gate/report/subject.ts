// Which mailbox a finding is about, people first: the plan line's key (the source address), then the
// person it is bound to (display name, uid, organisation); the mailbox id only as a detail. Findings
// are grouped by that plan line, the most decisive first (decisiveness.ts).
import type { GateViolation, MailboxSubject } from "../../engine/types";
import { byDecisiveness } from "./decisiveness";

export const NO_MAILBOX = "(not about one mailbox)";

/** "maria.mueller@fa-luebeck.example → Maria Müller (mmueller2, im)". */
export function subjectLabel(s: MailboxSubject): string {
  const whom = s.owner ? `${s.owner.displayName} (${s.owner.uid}, ${s.owner.organisation})` : `${s.kind} mailbox "${s.displayName}"`;
  return `${s.source} → ${whom}`;
}

/** The finding's mailbox as a line of text: people-first when the gate tied it to a plan line. */
export function findingSubject(v: GateViolation): string {
  if (v.subject) return subjectLabel(v.subject);
  if (v.mailbox === undefined) return v.identity !== undefined ? `owner ${v.identity}` : NO_MAILBOX;
  return v.identity !== undefined ? `mailbox ${v.mailbox} (owner ${v.identity})` : `mailbox ${v.mailbox}`;
}

export function location(v: GateViolation): string | undefined {
  return v.file !== undefined ? `${v.file}:${v.line}` : undefined;
}

export interface FindingGroup {
  /** The heading's text (see findingSubject). */
  readonly title: string;
  readonly subject?: MailboxSubject;
  /** The plan line the group is keyed by (file:line), when it has one. */
  readonly location?: string;
  /** Most decisive first. */
  readonly findings: readonly GateViolation[];
}

function groupKey(v: GateViolation): string {
  if (v.subject) return `line\u0000${location(v) ?? v.subject.source}`;
  if (v.mailbox !== undefined) return `mailbox\u0000${v.mailbox}`;
  return v.identity !== undefined ? `owner\u0000${v.identity}` : NO_MAILBOX;
}

/** A group's heading: people-first with a subject, else the mailbox with the first owner any finding names. */
function titleOf(key: string, group: readonly GateViolation[]): string {
  if (key === NO_MAILBOX) return NO_MAILBOX;
  const first = group[0]!;
  if (first.subject || first.mailbox === undefined) return findingSubject(first);
  return findingSubject({ ...first, identity: group.find((v) => v.identity !== undefined)?.identity });
}

/**
 * Findings grouped per plan line (else per reported mailbox), in plan order, each group's findings
 * most decisive first; findings about no mailbox come last.
 */
export function groupFindings(violations: readonly GateViolation[]): FindingGroup[] {
  const groups = new Map<string, GateViolation[]>();
  for (const v of violations) {
    const k = groupKey(v);
    const list = groups.get(k);
    if (list) list.push(v);
    else groups.set(k, [v]);
  }
  const result = [...groups.entries()].map(([key, list], order) => ({ key, order, first: list[0]!, findings: [...list].sort(byDecisiveness) }));
  type Keyed = (typeof result)[number];
  const rank = (g: Keyed) => (g.key === NO_MAILBOX ? 2 : g.first.subject ? 0 : 1);
  const file = (g: Keyed) => (g.first.subject ? (g.first.file ?? "") : "");
  const line = (g: Keyed) => (g.first.subject ? (g.first.line ?? 0) : 0);
  const inPlanOrder = (a: Keyed, b: Keyed) =>
    rank(a) - rank(b) || (file(a) < file(b) ? -1 : file(a) > file(b) ? 1 : 0) || line(a) - line(b) || a.order - b.order;
  return result.sort(inPlanOrder).map((g) => ({
    title: titleOf(g.key, g.findings),
    ...(g.first.subject ? { subject: g.first.subject } : {}),
    ...(g.first.subject && location(g.first) ? { location: location(g.first)! } : {}),
    findings: g.findings,
  }));
}
