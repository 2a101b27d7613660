// `oxmig lock`: writes the lock, `--check` fails on a stale one naming the changes (like `npm ci`
// with a stale lockfile) and passes on a fresh one.
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import { copyStaging, PlanText } from "./support/inventory-mistakes";
import { captureOutput } from "../support/capture-output";

let dir: string;

const out = captureOutput();

beforeEach(() => {
  dir = copyStaging("oxmig-lock-");
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const lock = (...args: string[]) => main(["node", "oxmig", "lock", "--stack", "staging", "--inventory", dir, ...args]);
const lockFile = () => path.join(dir, "bindings.lock.yaml");

describe("oxmig lock", () => {
  it("--check passes on the committed staging lock", async () => {
    expect(await lock("--check")).toBe(0);
    expect(out.stdout).toMatch(/bindings\.lock\.yaml is up to date \(306 mailboxes\)/);
  });

  it("--check fails without a lock and writes nothing", async () => {
    fs.rmSync(lockFile());
    expect(await lock("--check")).toBe(1);
    expect(out.stderr).toContain("does not exist; run `npx oxmig lock --stack staging`");
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it("--check fails on a stale lock after two owners were swapped, naming both mailboxes and the owner change", async () => {
    const before = fs.readFileSync(lockFile(), "utf8");
    const plan = new PlanText(path.join(dir, "plan.yaml"));
    plan.swapOwners(plan.findOwnerRow("jschmidt"), plan.findOwnerRow("jweiss"));
    plan.save();
    expect(await lock("--check")).toBe(1);
    expect(out.stderr).toMatch(/is out of date \(2 mailbox changes\)/);
    expect(out.stderr).toMatch(/changed [0-9a-f-]{36}\n {4}source: \{"address":"juergen\.weiss@fa-luebeck\.example"/);
    expect(out.stderr).toContain('"address":"jan.schmidt@fa-luebeck.example"');
    expect(fs.readFileSync(lockFile(), "utf8")).toBe(before);
  });

  it("--check fails when only a wave's phase changed", async () => {
    const file = path.join(dir, "plan.yaml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("    phase: copying", "    phase: cut-over"));
    expect(await lock("--check")).toBe(1);
    expect(out.stderr).toContain("0 mailbox changes, wave phases changed");
  });

  it("writes the changes, after which --check passes", async () => {
    const plan = new PlanText(path.join(dir, "plan.yaml"));
    plan.swapOwners(plan.findOwnerRow("jschmidt"), plan.findOwnerRow("jweiss"));
    plan.save();
    expect(await lock()).toBe(0);
    expect(out.stdout).toMatch(/wrote .*bindings\.lock\.yaml: 306 mailboxes, 2 changes/);
    const text = fs.readFileSync(lockFile(), "utf8");
    expect(text).toMatch(/^# Binding lock of stack "staging"/);
    expect(text).not.toMatch(/password|result/i);
    expect(await lock("--check")).toBe(0);
  });

  it("refuses to record a wave moved back to copying without phaseRollback (exit 2, nothing written)", async () => {
    const file = path.join(dir, "plan.yaml");
    const original = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, original.replace("    phase: copying", "    phase: cut-over"));
    expect(await lock()).toBe(0);
    const cutOver = fs.readFileSync(lockFile(), "utf8");
    fs.writeFileSync(file, original);
    expect(await lock()).toBe(2);
    expect(out.stderr).toMatch(/plan\.yaml: line \d+ \(wave w01-fa-luebeck\): phase copying is behind the locked phase cut-over; moving a wave back needs `phaseRollback/);
    expect(fs.readFileSync(lockFile(), "utf8")).toBe(cutOver);
    fs.writeFileSync(file, original.replace("    phase: copying", '    phase: copying\n    phaseRollback: "routing switched back after a failed cut-over"'));
    expect(await lock()).toBe(0);
  });

  it("exits 2 on a lock that is not a lock", async () => {
    fs.writeFileSync(lockFile(), "lockVersion: 7\n");
    expect(await lock("--check")).toBe(2);
    expect(out.stderr).toContain("bindings.lock.yaml");
  });
});
