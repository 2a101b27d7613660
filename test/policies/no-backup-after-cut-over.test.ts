import { describe, it } from "vitest";
import { noBackupAfterCutOver } from "../../policies/rules/no-backup-after-cut-over";
import { config, expectNone, expectViolation, run } from "./helpers";
import { editLifecycle, editScript, waveResources, writePhaseLock } from "./lifecycle-fixtures";

describe("no-backup-after-cut-over", () => {
  it("accepts backup -R while copying, sync at cut-over and nothing when done", async () => {
    const records = [...waveResources("w01", { phase: "copying" }), ...waveResources("w02", { phase: "cut-over" }), ...waveResources("w03", { phase: "done" })];
    expectNone(await run(noBackupAfterCutOver, records));
  });
  it("a cut-over wave whose script still runs backup -R", async () => {
    const records = waveResources("w02", { phase: "cut-over" });
    editScript(records, /'sync' '-1' '-R'/g, "'backup' '-R'");
    expectViolation(await run(noBackupAfterCutOver, records), "wave w02", "rule no-backup-after-cut-over", "runs doveadm backup", "phase cut-over");
  });
  it("a clustered -fR backup is still a backup", async () => {
    const copying = waveResources("w02", { phase: "copying" });
    editScript(copying, /'backup' '-R'/g, "'backup' '-fR'");
    editScript(copying, "phase copying.", "phase cut-over.");
    editLifecycle(copying, (l) => { l.phase = "cut-over"; });
    copying[0]!.props.metadata.annotations["oxmig.example/phase"] = "cut-over";
    expectViolation(await run(noBackupAfterCutOver, copying), "wave w02", "runs doveadm backup");
  });
  it("a wave declared copying whose lock records cut-over (phase moved back)", async () => {
    const lock = writePhaseLock({ w01: "cut-over" });
    expectViolation(await run(noBackupAfterCutOver, waveResources("w01", { phase: "copying" }), config({ lock })), "wave w01", "records phase cut-over", "runs doveadm backup");
  });
  it("lifecycle.json declaring backup-reverse at cut-over", async () => {
    const records = waveResources("w02", { phase: "cut-over" });
    editLifecycle(records, (l) => { l.mode = "backup-reverse"; });
    expectViolation(await run(noBackupAfterCutOver, records), "wave w02", "declares mode backup-reverse");
  });
  it("fails closed on a script edited outside its pair lines or a missing lifecycle.json", async () => {
    const edited = waveResources("w02", { phase: "cut-over" });
    editScript(edited, "set -u", "set -u\nalias sync=backup");
    expectViolation(await run(noBackupAfterCutOver, edited), "wave w02", "not the rendered script");
    const missing = waveResources("w02", { phase: "cut-over" });
    delete missing[0]!.props.data["lifecycle.json"];
    expectViolation(await run(noBackupAfterCutOver, missing), "wave w02", "lifecycle.json", "missing");
  });
  it("a pair line that expands shell syntax is rejected", async () => {
    const records = waveResources("w02", { phase: "cut-over" });
    editScript(records, "'imapc:'", "$(doveadm backup -R -u x imapc:)");
    expectViolation(await run(noBackupAfterCutOver, records), "outside quotes");
  });
});
