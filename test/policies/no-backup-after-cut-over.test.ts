import { describe, expect, it } from "vitest";
import { noBackupAfterCutOver } from "../../policies/rules/no-backup-after-cut-over";
import { config, expectNone, expectViolation, run } from "./helpers";
import { editLifecycle, editScript, PAIRINGS, waveResources, writePhaseLock } from "./lifecycle-fixtures";
import { phasedEntries, writeHistoryLock } from "./lock-history-fixtures";

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
    editLifecycle(copying, (l) => {
      l.phase = "cut-over";
    });
    copying[0]!.props.metadata.annotations["oxmig.example/phase"] = "cut-over";
    expectViolation(await run(noBackupAfterCutOver, copying), "wave w02", "runs doveadm backup");
  });
  it("a wave declared copying whose lock records cut-over (phase moved back)", async () => {
    const lock = writePhaseLock({ w01: "cut-over" });
    expectViolation(
      await run(noBackupAfterCutOver, waveResources("w01", { phase: "copying" }), config({ lock })),
      "wave w01",
      "records phase cut-over",
      "runs doveadm backup",
    );
  });
  it("a cut-over mailbox in a renamed wave set back to copying: judged by the mailbox's own locked phase", async () => {
    const lock = writeHistoryLock({ mailboxes: phasedEntries({ w01: "cut-over" }) });
    expectViolation(
      await run(noBackupAfterCutOver, waveResources("w01-again", { phase: "copying" }), config({ lock })),
      "maria.mueller@fa-luebeck.example",
      "migrate.sh of wave w01-again runs doveadm backup",
      "records phase cut-over for mailbox",
    );
  });
  it("accepts backup for mailboxes whose lock records copying, whatever their wave was called", async () => {
    const lock = writeHistoryLock({ mailboxes: phasedEntries({}) });
    expectNone(await run(noBackupAfterCutOver, waveResources("w01-again", { phase: "copying" }), config({ lock })));
  });
  it("judged by the login doveadm writes to as well: a pair line relabelled with another mailbox id still names the cut-over mailbox", async () => {
    const lock = writeHistoryLock({ mailboxes: phasedEntries({ w01: "cut-over" }) });
    const records = waveResources("w05", { phase: "copying" });
    editScript(records, new RegExp(PAIRINGS[0]!.mailboxId, "g"), "00000000-0000-4000-8000-000000000000");
    const violations = await run(noBackupAfterCutOver, records, config({ lock }));
    expectViolation(
      violations,
      "mailbox maria.mueller@fa-luebeck.example (owner mmueller)",
      `records phase cut-over for mailbox ${PAIRINGS[0]!.mailboxId} (locked in wave w01)`,
    );
    expect(violations.filter((v) => v.message.includes("maria.mueller"))).toHaveLength(1);
    expect(violations).toHaveLength(2);
  });
  it("lifecycle.json declaring backup-reverse at cut-over", async () => {
    const records = waveResources("w02", { phase: "cut-over" });
    editLifecycle(records, (l) => {
      l.mode = "backup-reverse";
    });
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
