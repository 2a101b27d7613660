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

const messages = async (records: Parameters<typeof run>[1], cfg?: unknown) => (await run(noBackupAfterCutOver, records, cfg)).map((v) => v.message);
const PREFIX = "wave w02 (rule no-backup-after-cut-over): ";
const backupRuns = (why: string) =>
  PAIRINGS.map(
    (p) =>
      `${PREFIX}migrate.sh runs doveadm backup for mailbox ${p.mailboxId}, but ${why}: backup would expunge mail delivered to the target; only sync -1 -R -s <state> may run`,
  );
/** A cut-over wave whose script was switched back to backup -R. */
function cutOverRunningBackup(): ReturnType<typeof waveResources> {
  const records = waveResources("w02", { phase: "cut-over" });
  editScript(records, /'sync' '-1' '-R'/g, "'backup' '-R'");
  return records;
}

describe("no-backup-after-cut-over branches", () => {
  it("registered under a name or description that does not say what it checks", () => {
    expect(noBackupAfterCutOver.name).toBe("no-backup-after-cut-over");
    expect(noBackupAfterCutOver.enforcementLevel).toBe("mandatory");
    expect(noBackupAfterCutOver.description).toMatch(/doveadm backup/);
  });
  it("the exact messages for backup at cut-over without a lock: one per mailbox, naming the declared phase", async () => {
    const violations = await run(noBackupAfterCutOver, cutOverRunningBackup());
    expect(violations.map((v) => v.message)).toEqual(backupRuns("the wave is in phase cut-over"));
    expect(new Set(violations.map((v) => v.urn))).toEqual(new Set(["urn:pulumi:test::oxmig::kubernetes:core/v1:ConfigMap::pairings-w02"]));
  });
  it("a lock behind the declared phase does not lower it", async () => {
    const lock = writePhaseLock({ w02: "copying" });
    expect(await messages(cutOverRunningBackup(), config({ lock }))).toEqual(backupRuns("the wave is in phase cut-over"));
  });
  it("a lock ahead of the declared phase names the lock", async () => {
    const lock = writePhaseLock({ w02: "done" });
    expect(await messages(cutOverRunningBackup(), config({ lock }))).toEqual(backupRuns(`the lock ${lock} records phase done`));
  });
  it("a copying wave whose lock records cut-over: mode and every backup run reported against the lock", async () => {
    const lock = writePhaseLock({ w02: "cut-over" });
    expect(await messages(waveResources("w02", { phase: "copying" }), config({ lock }))).toEqual([
      `${PREFIX}lifecycle.json declares mode backup-reverse, but the lock ${lock} records phase cut-over`,
      ...backupRuns(`the lock ${lock} records phase cut-over`),
    ]);
  });
  it("a done wave declaring backup-reverse names its own phase, not a lower locked one", async () => {
    const records = waveResources("w02", { phase: "done" });
    editLifecycle(records, (l) => void (l.mode = "backup-reverse"));
    const lock = writePhaseLock({ w02: "cut-over" });
    expect(await messages(records, config({ lock }))).toEqual([`${PREFIX}lifecycle.json declares mode backup-reverse, but the wave is in phase done`]);
  });
  it("copying with backup -R passes, with or without a lock recording copying", async () => {
    expect(await messages(waveResources("w02", { phase: "copying" }))).toEqual([]);
    expect(await messages(waveResources("w02", { phase: "copying" }), config({ lock: writePhaseLock({ w02: "copying" }) }))).toEqual([]);
  });
  it("a script that is not the rendered one is rejected as such, its pair lines not judged", async () => {
    const records = cutOverRunningBackup();
    editScript(records, "set -u", "set -u\necho edited");
    const found = await messages(records);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^wave w02 \(rule no-backup-after-cut-over\): migrate\.sh is not the rendered script: line \d+ differs from the rendered script/);
  });
});
