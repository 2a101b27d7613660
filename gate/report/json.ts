// Machine-readable gate report with a fixed shape: absent mailbox/identity/subject are null. `subject`
// is the plan line's mailbox people-first (source, owner uid, display name, organisation, mailbox id).
import type { GateResult } from "../../engine/types";

export function formatJson(result: GateResult): string {
  const report = {
    stack: result.stack,
    mailboxes: result.mailboxes,
    violations: result.violations.map((v) => ({
      policy: v.policy,
      level: v.level,
      mailbox: v.mailbox ?? null,
      identity: v.identity ?? null,
      message: v.message,
      subject: v.subject ?? null,
    })),
  };
  return JSON.stringify(report, null, 2) + "\n";
}
