// From analyzer diagnostics to gate findings: drop the description the SDK puts before a
// string violation message, and read mailbox, identity and location back from the message.
import type { GateViolation, PolicyViolation } from "./types";
import { parseViolationMessage } from "@oxmig/core/violation-message";

/** The text a rule reported (the SDK sends "<description>\n<message>" for string reports). */
export function reportedText(v: PolicyViolation): string {
  const prefix = `${v.description}\n`;
  return v.description && v.message.startsWith(prefix) ? v.message.slice(prefix.length) : v.message;
}

export function toGateViolation(v: PolicyViolation): GateViolation {
  const parsed = parseViolationMessage(reportedText(v));
  return {
    policy: v.policyName,
    level: v.enforcementLevel,
    message: parsed.text,
    ...(parsed.mailbox !== undefined && { mailbox: parsed.mailbox }),
    ...(parsed.identity !== undefined && { identity: parsed.identity }),
    ...(v.urn !== undefined && { urn: v.urn }),
    ...(parsed.file !== undefined && { file: parsed.file, line: parsed.line }),
  };
}

/** A gate rejects a stack when any violation is mandatory (remediate counts as mandatory). */
export function isBlocking(v: Pick<GateViolation, "level">): boolean {
  return v.level === "mandatory" || v.level === "remediate";
}
