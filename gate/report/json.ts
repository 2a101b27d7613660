// Machine-readable gate report with a fixed shape: absent mailbox/identity are null.
import type { GateResult } from "../types";

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
    })),
  };
  return JSON.stringify(report, null, 2) + "\n";
}
