// A flood of advisory findings (staging has ~140 weak source matches) must not bury the mandatory ones.
import { describe, expect, it } from "vitest";
import { formatReport } from "../../gate/report";
import type { GateResult, GateViolation } from "../../engine/types";

const weak = (i: number): GateViolation => ({
  policy: "source-match-strength",
  level: "advisory",
  mailbox: `p${i}@im.example`,
  identity: `p${i}`,
  message: `weak source match ${i}`,
  file: "plan.yaml",
  line: 10 + i,
});
const RESULT: GateResult = {
  stack: "staging",
  mailboxes: 200,
  violations: [
    { policy: "source-belongs-to-owner", level: "mandatory", mailbox: "a@im.example", identity: "a", message: "source belongs to b" },
    { policy: "unique-addresses", level: "mandatory", mailbox: "a@im.example", identity: "a", message: "address routes to 2 mailboxes" },
    ...Array.from({ length: 140 }, (_, i) => weak(i)),
    { policy: "other-advice", level: "advisory", message: "one stack-wide hint" },
  ],
};

describe("collapsed advisory findings", () => {
  it("text lists mandatory findings in full and each advisory policy as a count with three examples", () => {
    const lines = formatReport(RESULT, "text").trimEnd().split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "mailbox a@im.example (owner a)",
      "  MANDATORY source-belongs-to-owner: source belongs to b",
      "  MANDATORY unique-addresses: address routes to 2 mailboxes",
    ]);
    expect(lines.slice(3)).toEqual([
      "141 advisory finding(s), collapsed per policy (--verbose lists all):",
      "  ADVISORY  source-match-strength: 140 finding(s), e.g.",
      "    mailbox p0@im.example (owner p0): weak source match 0 (plan.yaml:10)",
      "    mailbox p1@im.example (owner p1): weak source match 1 (plan.yaml:11)",
      "    mailbox p2@im.example (owner p2): weak source match 2 (plan.yaml:12)",
      "    … and 137 more",
      "  ADVISORY  other-advice: 1 finding(s), e.g.",
      "    (not about one mailbox): one stack-wide hint",
      "REJECTED stack staging: 2 mandatory, 141 advisory violation(s); 200 mailbox(es) checked",
    ]);
  });

  it("text with verbose lists every advisory finding under its mailbox", () => {
    const text = formatReport(RESULT, "text", { verbose: true });
    expect(text.match(/ADVISORY {2}source-match-strength: weak source match/g)).toHaveLength(140);
    expect(text).not.toContain("collapsed");
  });

  it("markdown keeps the mandatory table and folds the advisory flood into a summary", () => {
    const md = formatReport(RESULT, "markdown");
    expect(md.split("\n").filter((l) => l.startsWith("| mandatory"))).toHaveLength(2);
    expect(md).toContain("<details><summary>141 advisory finding(s)</summary>");
    expect(md).toContain("- `source-match-strength` (advisory): 140 finding(s), e.g.");
    expect(md).toContain("  - … and 137 more (`--verbose` lists all)");
    expect(md.match(/weak source match/g)).toHaveLength(3);
  });

  it("machine formats keep every finding", () => {
    expect(JSON.parse(formatReport(RESULT, "json")).violations).toHaveLength(143);
    expect(JSON.parse(formatReport(RESULT, "sarif")).runs[0].results).toHaveLength(143);
  });
});
