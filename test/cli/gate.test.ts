// `oxmig gate` through the CLI entry: a clean staging stack, its JSON report's exact shape, and bad
// input that must stop before anything runs (exit 2, file and line in the message).
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import { copyStaging, PlanText } from "./support/inventory-mistakes";
import { captureOutput } from "../support/capture-output";

const dirs: string[] = [];

afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function scratch(): string {
  const dir = copyStaging("oxmig-gate-cli-");
  dirs.push(dir);
  return dir;
}

const gate = (...args: string[]) => main(["node", "oxmig", "gate", "--stack", "staging", "--quiet", ...args]);

const out = captureOutput();

describe("oxmig gate", () => {
  it("passes the clean staging stack: exit 0, no mandatory violation, the JSON report in its agreed shape", async () => {
    const out = path.join(scratch(), "gate.json");
    expect(await gate("--format", "json", "--out", out)).toBe(0);
    const report = JSON.parse(fs.readFileSync(out, "utf8"));
    expect(Object.keys(report)).toEqual(["stack", "mailboxes", "violations"]);
    expect(report.stack).toBe("staging");
    expect(report.mailboxes).toBe(306);
    expect(report.violations.filter((v: { level: string }) => v.level === "mandatory")).toEqual([]);
    for (const v of report.violations) {
      expect(Object.keys(v)).toEqual(["policy", "level", "mailbox", "identity", "message", "subject"]);
      expect(typeof v.message).toBe("string");
    }
    const advisory = report.violations.find((v: { policy: string }) => v.policy === "source-match-strength");
    // The plan line's mailbox, people first: its source, the owner's uid, display name and organisation.
    expect(Object.keys(advisory.subject)).toEqual(["source", "kind", "mailboxId", "owner", "displayName"]);
    expect(advisory.subject.source).toMatch(/@/);
    expect(Object.keys(advisory.subject.owner)).toEqual(["uid", "displayName", "organisation"]);
    expect(advisory.message).toMatch(/ inventory\/staging\/directory\.ldif line \d+/);
    expect(JSON.stringify(report)).not.toContain(path.resolve("inventory"));
  }, 120_000);

  it("stops with exit 2 and the file and line when plan.yaml is malformed", async () => {
    const dir = scratch();
    const file = path.join(dir, "plan.yaml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("    phase: copying\n", "    phase: copying\n   mailboxes: [\n"));
    expect(await gate("--inventory", dir)).toBe(2);
    expect(out.stderr).toMatch(/plan\.yaml: line \d+/);
    expect(out.stdout).toBe("");
  });

  it("stops with exit 2 naming the plan line of an owner who is not in the directory", async () => {
    const dir = scratch();
    const plan = new PlanText(path.join(dir, "plan.yaml"));
    const row = plan.findOwnerRow("jschmidt");
    plan.setOwner(row, "jschmidtt");
    plan.save();
    expect(await gate("--inventory", dir, "--format", "json")).toBe(2);
    expect(out.stderr).toContain(`plan.yaml: line ${row + 1} (`); // the owner: line (row is 0-based), not the source: line above it
    expect(out.stderr).toContain(`owner "jschmidtt" is not in the directory`);
    expect(out.stdout).toBe("");
  });
});
