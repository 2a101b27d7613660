import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { formatReport } from "../../gate/report";
import type { GateResult } from "../../engine/types";
import { toGateViolation } from "../../engine/violations";

const RESULT: GateResult = {
  stack: "staging",
  mailboxes: 3,
  violations: [
    {
      policy: "key-bound-to-owner",
      level: "mandatory",
      mailbox: "maria.mueller@fa-luebeck.example",
      identity: "mmueller",
      message: "key belongs to another mailbox",
      file: "plan.yaml",
      line: 14,
      urn: "urn:x::k",
    },
    { policy: "alias-unique", level: "advisory", mailbox: "maria.mueller@fa-luebeck.example", message: "alias | also routed elsewhere" },
    { policy: "stack-size", level: "advisory", message: "stack is large", urn: "urn:x::stack" },
  ],
};
const CLEAN: GateResult = { stack: "staging", mailboxes: 3, violations: [] };

describe("gate reports", () => {
  it("text groups findings under their mailbox and ends with the verdict", () => {
    const text = formatReport(RESULT, "text", { verbose: true });
    expect(text).toMatch(
      /^mailbox maria\.mueller@fa-luebeck\.example \(owner mmueller\)\n {2}MANDATORY key-bound-to-owner: key belongs to another mailbox \(plan\.yaml:14\)\n2 advisory finding\(s\):\nmailbox maria\.mueller@fa-luebeck\.example\n {2}ADVISORY +alias-unique/,
    );
    expect(text.trimEnd().split("\n").at(-1)).toBe("REJECTED stack staging: 1 mandatory, 2 advisory violation(s); 3 mailbox(es) checked");
    expect(formatReport(CLEAN, "text")).toBe("PASSED stack staging: 0 mandatory, 0 advisory violation(s); 3 mailbox(es) checked\n");
  });

  it("json has exactly the agreed shape, with null for a missing mailbox or identity", () => {
    const json = JSON.parse(formatReport(RESULT, "json"));
    expect(Object.keys(json)).toEqual(["stack", "mailboxes", "violations"]);
    expect(json.violations[2]).toEqual({ policy: "stack-size", level: "advisory", mailbox: null, identity: null, message: "stack is large", subject: null });
    expect(Object.keys(json.violations[0])).toEqual(["policy", "level", "mailbox", "identity", "message", "subject"]);
  });

  it("sarif has one rule per policy, error for mandatory, warning for advisory, the plan line as location", () => {
    const run = JSON.parse(formatReport(RESULT, "sarif")).runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(["alias-unique", "key-bound-to-owner", "stack-size"]);
    expect(run.results.map((r: { level: string }) => r.level)).toEqual(["error", "warning", "warning"]);
    expect(run.results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "plan.yaml" }, region: { startLine: 14 } });
    expect(run.results[2].locations[0].logicalLocations[0].fullyQualifiedName).toBe("urn:x::stack");
    expect(run.results[1].ruleIndex).toBe(0);
  });

  it("junit fails only the mandatory testcase", () => {
    const xml = new XMLParser({ ignoreAttributes: false }).parse(formatReport(RESULT, "junit"));
    const suite = xml.testsuites.testsuite;
    expect(suite["@_failures"]).toBe("1");
    expect(suite.testcase).toHaveLength(3);
    expect(suite.testcase[0].failure["@_type"]).toBe("mandatory");
    expect(suite.testcase[1].failure).toBeUndefined();
  });

  it("junit of a clean stack has one passing testcase, not an empty suite", () => {
    const xml = new XMLParser({ ignoreAttributes: false }).parse(formatReport(CLEAN, "junit"));
    expect(xml.testsuites.testsuite.testcase["@_name"]).toBe("gate: 3 mailbox(es)");
    expect(xml.testsuites.testsuite["@_failures"]).toBe("0");
  });

  it("markdown escapes a pipe in a message so the table keeps its columns", () => {
    const md = formatReport(RESULT, "markdown", { verbose: true });
    expect(md).toContain("### Gate: REJECTED stack staging");
    const row = md.split("\n").find((l) => l.includes("alias-unique"))!;
    expect(row.split(/(?<!\\)\|/)).toHaveLength(5);
  });

  it("reads a rule's mailbox and location back out of an SDK diagnostic", () => {
    const v = toGateViolation({
      policyName: "key-bound-to-owner",
      policyPackName: "p",
      policyPackVersion: "1.0.0",
      enforcementLevel: "mandatory",
      description: "Checks whether each key is bound to its owner.",
      message: "Checks whether each key is bound to its owner.\nmailbox m@x.example (owner mm): wrong key [plan.yaml:7]",
    });
    expect(v).toEqual({
      policy: "key-bound-to-owner",
      level: "mandatory",
      mailbox: "m@x.example",
      identity: "mm",
      message: "wrong key",
      file: "plan.yaml",
      line: 7,
    });
  });
});
