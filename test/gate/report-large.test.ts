// Reports for a gate run with more findings than a spread can pass as call arguments (~123k):
// the markdown and text reports must list them all instead of overflowing the call stack.
import { describe, expect, it } from "vitest";
import { formatReport } from "../../gate/report";
import type { GateResult, GateViolation } from "../../engine/types";

/** Above the ~123k arguments a spread can pass here, with margin. */
const COUNT = 150_000;

function result(level: GateViolation["level"]): GateResult {
  const violations = Array.from({ length: COUNT }, (_, i): GateViolation => ({
    policy: "source-belongs-to-owner",
    level,
    mailbox: `user${i % 100}@fa-luebeck.example`,
    message: "wrong owner",
  }));
  return { stack: "prod", mailboxes: COUNT, violations };
}

describe("gate reports with 150k findings", () => {
  it("markdown lists every mandatory finding in its table", () => {
    const md = formatReport(result("mandatory"), "markdown");
    expect(md.split("\n").filter((l) => l.startsWith("| mandatory |") && l.includes("wrong owner"))).toHaveLength(COUNT);
  });

  it("markdown --verbose lists every advisory finding", () => {
    const md = formatReport(result("advisory"), "markdown", { verbose: true });
    expect(md.split("\n").filter((l) => l.startsWith("| advisory |") && l.includes("wrong owner"))).toHaveLength(COUNT);
  });

  it("text --verbose lists every finding", () => {
    const text = formatReport(result("advisory"), "text", { verbose: true });
    expect(text.split("\n").filter((l) => l.includes("wrong owner"))).toHaveLength(COUNT);
  });
});
