import { describe, expect, it } from "vitest";
import { noBackupAfterCutOver } from "../../policies/rules/no-backup-after-cut-over";
import { config, run } from "./helpers";
import { editLifecycle, editScript, PAIRINGS, waveResources, writePhaseLock } from "./lifecycle-fixtures";

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
