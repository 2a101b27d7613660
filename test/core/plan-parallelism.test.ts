// A wave's `parallelism` in plan.yaml: how many of its mailboxes the Indexed Job copies at once.
import { describe, expect, it } from "vitest";
import { parsePlan } from "@oxmig/core/plan";

const FILE = "inventory/staging/plan.yaml";
const plan = (parallelism: string) =>
  `waves:\n  - name: w01\n    context: c\n${parallelism}    mailboxes:\n      - source: a@fa-luebeck.example\n        owner: a\n`;

function refused(text: string): string {
  try {
    parsePlan(text, FILE);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("accepted");
}

describe("a wave's parallelism", () => {
  it("is kept where the wave sets it, absent otherwise (the stack default applies)", () => {
    expect(parsePlan(plan("    parallelism: 12\n"), FILE).waves[0]!.parallelism).toBe(12);
    expect(Object.keys(parsePlan(plan(""), FILE).waves[0]!)).not.toContain("parallelism");
  });

  it("refuses 0, fractions, more than 100 and text, naming the file and line", () => {
    expect(refused(plan("    parallelism: 0\n"))).toBe(`${FILE}: line 4: waves[0].parallelism: parallelism must be at least 1`);
    expect(refused(plan("    parallelism: 2.5\n"))).toMatch(/line 4: waves\[0\]\.parallelism: parallelism must be a whole number of mailboxes/);
    expect(refused(plan("    parallelism: 101\n"))).toMatch(/parallelism must be at most 100/);
    expect(refused(plan("    parallelism: many\n"))).toMatch(/waves\[0\]\.parallelism/);
  });
});
