// A rule file that nobody lists in ALL_POLICIES is a check that never runs: every module under
// policies/rules/ must export exactly one policy, named after its file, and the pack must hold it.
// Tests mirror the code: each test file here is one rule's (named after it, importing no other rule) or judges the pack as a whole.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_POLICIES } from "../../policies/all";

const RULES_DIR = join(__dirname, "../../policies/rules");
const ruleFiles = readdirSync(RULES_DIR)
  .filter((f) => f.endsWith(".ts"))
  .sort();

const TEST_DIR = __dirname;
/** The test files that judge the pack as a whole rather than one rule. */
const PACK_WIDE = ["all-policies", "config", "large-shard", "no-sdk-internals", "packed-pack", "rule-files-listed", "unknown-values"];
const ruleNames = ruleFiles.map((f) => f.replace(/\.ts$/, ""));
const testFiles = (readdirSync(TEST_DIR, { recursive: true }) as string[]).filter((f) => f.endsWith(".test.ts")).sort();

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

describe("every test file is one rule's or the pack's", () => {
  it("names each test file after a rule (test/policies/support/: after a support module), or lists it as pack-wide", () => {
    const misplaced = testFiles.filter((file) => {
      const [dir, name] = file.includes("/") ? [file.slice(0, file.lastIndexOf("/")), file.slice(file.lastIndexOf("/") + 1)] : ["", file];
      const base = name.replace(/\.test\.ts$/, "");
      if (dir === "") return !ruleNames.includes(base) && !PACK_WIDE.includes(base);
      if (dir === "support") return !existsSync(join(__dirname, "../../policies/support", `${base}.ts`));
      return true;
    });
    expect(misplaced).toEqual([]);
  });

  it("a rule's test file imports no other rule (a mixed file tests one rule under another's name)", () => {
    const mixed = testFiles
      .filter((file) => ruleNames.includes(file.replace(/\.test\.ts$/, "")))
      .flatMap((file) => {
        const own = file.replace(/\.test\.ts$/, "");
        const imported = [...readFileSync(join(TEST_DIR, file), "utf8").matchAll(/from "\.\.\/\.\.\/policies\/rules\/([\w-]+)"/g)].map((m) => m[1]);
        return imported.filter((rule) => rule !== own).map((rule) => `${file} imports ${rule}`);
      });
    expect(mixed).toEqual([]);
  });
});
