// A rule file that nobody lists in ALL_POLICIES is a check that never runs: every module under
// policies/rules/ must export exactly one policy, named after its file, and the pack must hold it.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_POLICIES } from "../../policies/all";

const RULES_DIR = join(__dirname, "../../policies/rules");
const ruleFiles = readdirSync(RULES_DIR)
  .filter((f) => f.endsWith(".ts"))
  .sort();

function isPolicy(value: unknown): value is { name: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { name?: unknown }).name === "string" &&
    ("validateResource" in value || "validateStack" in value)
  );
}

describe("every rule file is in the pack", () => {
  it("finds the rule files", () => {
    expect(ruleFiles.length).toBeGreaterThan(20);
  });

  it.each(ruleFiles)("%s exports one policy, named after the file, listed in ALL_POLICIES", async (file) => {
    const module = (await import(join(RULES_DIR, file))) as Record<string, unknown>;
    const policies = Object.values(module).filter(isPolicy);
    expect(policies.map((p) => p.name)).toEqual([file.replace(/\.ts$/, "")]);
    expect(ALL_POLICIES).toContain(policies[0]);
  });

  it("the pack lists each policy once and nothing that has no file", () => {
    const names = ALL_POLICIES.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(ruleFiles.map((f) => f.replace(/\.ts$/, "")));
  });
});
