import { describe, expect, it } from "vitest";
import { parseDoveadm } from "@oxmig/core/doveadm-argv";
import { doveadmCommand, lifecycleOf, STATE_PLACEHOLDER, stateFileFor } from "@oxmig/core/lifecycle";
import { MIGRATION_PATHS, renderMigrationScript } from "@oxmig/core/migration-script";
import { readMigrationScript } from "@oxmig/core/script-reader";

const pairing = { mailboxId: "0b9a6c1e-1111", sourceLogin: "anna@src.example", sourceExchangeGuid: "g", targetLogin: "anna" };
const paths = { doveadmConf: "/etc/oxmig/doveadm.conf", stateDir: "/var/lib/oxmig/state" };

describe("lifecycleOf", () => {
  it("derives mode, state volume and canaries from the phase", () => {
    expect(lifecycleOf({ name: "w1", phase: "copying" })).toEqual({
      phase: "copying",
      mode: "backup-reverse",
      stateVolume: "migration-state-w1",
      canaries: false,
    });
    expect(lifecycleOf({ name: "w1", phase: "cut-over" })).toEqual({
      phase: "cut-over",
      mode: "sync-reverse-stateful",
      stateVolume: "migration-state-w1",
      canaries: true,
    });
    expect(lifecycleOf({ name: "w1", phase: "done", canaries: false, phaseRollback: "r" })).toEqual({
      phase: "done",
      mode: "none",
      canaries: false,
      rollback: "r",
    });
  });
});

describe("doveadmCommand", () => {
  it("copying: backup -R with an empty state (full run that prints the baseline)", () => {
    const c = doveadmCommand("copying", pairing, paths)!;
    expect(c.argv).toEqual(["doveadm", "-c", paths.doveadmConf, "-o", "imapc_user=anna@src.example", "backup", "-R", "-s", "", "-u", "anna", "imapc:"]);
    expect(c).toMatchObject({ needsState: false, stateFile: "/var/lib/oxmig/state/0b9a6c1e-1111.state" });
  });
  it("cut-over: sync -1 -R with the saved state, which the pair must have", () => {
    const c = doveadmCommand("cut-over", pairing, paths)!;
    expect(c.argv).toEqual([
      "doveadm",
      "-c",
      paths.doveadmConf,
      "-o",
      "imapc_user=anna@src.example",
      "sync",
      "-1",
      "-R",
      "-s",
      STATE_PLACEHOLDER,
      "-u",
      "anna",
      "imapc:",
    ]);
    expect(c.needsState).toBe(true);
  });
  it("done: nothing", () => {
    expect(doveadmCommand("done", pairing, paths)).toBeUndefined();
  });
  it("a mailbox id that could escape the state directory is refused", () => {
    expect(() => stateFileFor("/s", "../etc/passwd")).toThrow(/cannot name a state file/);
  });
});

describe("parseDoveadm", () => {
  it("reads clustered flags and options the way getopt does", () => {
    const inv = parseDoveadm(["doveadm", "-c", "x.conf", "-o", "a=b", "sync", "-1R", "-s", "", "-u", "t", "imapc:"]);
    expect(inv.verb).toBe("sync");
    expect([...inv.flags].sort()).toEqual(["1", "R"]);
    expect(inv.options.get("s")).toBe("");
    expect(inv.positional).toEqual(["imapc:"]);
  });
  it("something other than doveadm", () => {
    expect(parseDoveadm(["sh", "-c", "doveadm backup"]).problem).toContain("not doveadm");
  });
});

describe("readMigrationScript", () => {
  it("reads back exactly the commands the script was rendered from", () => {
    const text = renderMigrationScript({
      wave: "w1",
      phase: "cut-over",
      pairings: [pairing, { ...pairing, mailboxId: "b-2", sourceLogin: "o'brien x", targetLogin: "ob" }],
    });
    const read = readMigrationScript(text, "w1", "cut-over");
    expect(read.problems).toEqual([]);
    expect(read.commands.map((c) => c.argv)).toEqual([
      doveadmCommand("cut-over", pairing, { ...paths, doveadmConf: MIGRATION_PATHS.doveadmConf })!.argv,
      doveadmCommand("cut-over", { ...pairing, mailboxId: "b-2", sourceLogin: "o'brien x", targetLogin: "ob" }, paths)!.argv,
    ]);
  });
  it("a script rendered for another phase, or with an extra line, is not the rendered one", () => {
    const text = renderMigrationScript({ wave: "w1", phase: "copying", pairings: [pairing] });
    expect(readMigrationScript(text, "w1", "cut-over").problems[0]).toMatch(/line 2 differs/);
    expect(readMigrationScript(text.replace("set -u", "set -u\ndoveadm backup -R -A imapc:"), "w1", "copying").problems).not.toEqual([]);
  });
});
