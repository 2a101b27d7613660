// SARIF 2.1.0 for code-scanning UIs: one rule per policy, a result per violation pointing
// at the plan line when the rule named it, else at the resource URN.
import type { GateResult, GateViolation } from "../../engine/types";
import { findingSubject } from "./subject";

const SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

function sarifLevel(v: GateViolation): "error" | "warning" | "none" {
  if (v.level === "mandatory" || v.level === "remediate") return "error";
  return v.level === "advisory" ? "warning" : "none";
}

function locations(v: GateViolation): object[] {
  if (v.file !== undefined) return [{ physicalLocation: { artifactLocation: { uri: v.file }, region: { startLine: v.line } } }];
  if (v.urn !== undefined) return [{ logicalLocations: [{ fullyQualifiedName: v.urn, kind: "resource" }] }];
  return [];
}

/** People first: the plan line's source and its owner, then the finding. */
function messageText(v: GateViolation): string {
  return v.subject || v.mailbox !== undefined ? `${findingSubject(v)}: ${v.message}` : v.message;
}

export function formatSarif(result: GateResult, toolVersion = "0.1.0"): string {
  const policies = [...new Set(result.violations.map((v) => v.policy))].sort();
  const results = result.violations.map((v) => ({
    ruleId: v.policy,
    ruleIndex: policies.indexOf(v.policy),
    level: sarifLevel(v),
    message: { text: messageText(v) },
    locations: locations(v),
    properties: { mailbox: v.mailbox ?? null, identity: v.identity ?? null, subject: v.subject ?? null, enforcementLevel: v.level, urn: v.urn ?? null },
  }));
  const log = {
    $schema: SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "oxmig-gate", version: toolVersion, rules: policies.map((id) => ({ id, name: id })) } },
        automationDetails: { id: `oxmig-gate/${result.stack}` },
        properties: { stack: result.stack, mailboxes: result.mailboxes },
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
