// A rehearsal killed with SIGKILL leaves its Dovecots running with their key and master-password
// files; the next start stops them and removes the folders. What is not provably such an instance
// (a PID reused by another process, a run still alive) is never touched.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ownerOfThisProcess, writeRecord, type InstanceRecord } from "../../../rehearsal/dovecot/instance-records";
import { isRunning, processStartTime } from "../../../rehearsal/dovecot/process-info";
import { reapOrphans } from "../../../rehearsal/dovecot/reap";
import { endHeldRuns, privateRecordsFolder, startHeldRun } from "../support/held-run";

const sleepers: ChildProcess[] = [];
const folders: string[] = [];

afterEach(async () => {
  for (const sleeper of sleepers.splice(0)) if (sleeper.exitCode === null) sleeper.kill("SIGKILL");
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  await endHeldRuns();
}, 60_000);

/** The PID of a process that has ended: its owner is gone. */
function endedPid(): number {
  return spawnSync("true").pid;
}

/** A run folder with an instance folder holding a config and a (fake) master-password file. */
function fakeInstanceFolder(): { runDir: string; dir: string; confPath: string } {
  const runDir = mkdtempSync(join(tmpdir(), "oxmig-reap-test-"));
  folders.push(runDir);
  const dir = join(runDir, "target");
  mkdirSync(dir);
  writeFileSync(join(dir, "dovecot.conf"), "# a rehearsal instance\n");
  writeFileSync(join(dir, "master-users"), "oxmig-admin:{PLAIN}not-a-real-password\n");
  return { runDir, dir, confPath: join(dir, "dovecot.conf") };
}

function collect() {
  const lines: string[] = [];
  return { lines, report: (line: string) => void lines.push(line) };
}

describe("reaping the Dovecots of a killed rehearsal", () => {
  it("a run killed with SIGKILL leaves its Dovecots and keys; the next start stops them, removes the folder and says so", { timeout: 120_000 }, async () => {
    const recordsDir = privateRecordsFolder();
    const killed = await startHeldRun(recordsDir);
    const { dovecotPids, keyFile, masterPasswordFile, root } = killed.held;
    killed.child.kill("SIGKILL");
    expect((await killed.exited).signal).toBe("SIGKILL");
    // SIGKILL cannot be caught: everything is still there.
    expect(dovecotPids.filter(isRunning)).toEqual(dovecotPids);
    expect([existsSync(keyFile), existsSync(masterPasswordFile)]).toEqual([true, true]);

    const next = await startHeldRun(recordsDir);

    expect(dovecotPids.filter(isRunning)).toEqual([]);
    expect([existsSync(keyFile), existsSync(masterPasswordFile), existsSync(root)]).toEqual([false, false, false]);
    const owner = killed.child.pid!;
    expect(next.stderr().trim().split("\n").sort()).toEqual([
      `oxmig: rehearsal process ${owner} had ended without stopping its source Dovecot ${dovecotPids[0]}: stopped it and removed ${root}/source`,
      `oxmig: rehearsal process ${owner} had ended without stopping its target Dovecot ${dovecotPids[1]}: stopped it and removed ${root}/target`,
    ]);
    // The next run itself is up, and only its own instances are recorded now.
    expect(next.held.dovecotPids.filter(isRunning)).toHaveLength(2);
    expect(readdirSync(recordsDir)).toHaveLength(2);
  });

  it("a record whose PID now belongs to an unrelated process: that process is not signalled, the folder is removed", async () => {
    const recordsDir = privateRecordsFolder();
    const sleeper = spawn("sleep", ["120"], { stdio: "ignore" });
    sleepers.push(sleeper);
    const pid = sleeper.pid!;
    const { runDir, dir, confPath } = fakeInstanceFolder();
    // Same PID and even the same start time: only the command line tells it is no Dovecot of that config.
    writeRecord(recordsDir, "target-reused", {
      role: "target",
      dovecotPid: pid,
      dovecotStartTime: processStartTime(pid)!,
      confPath,
      dir,
      runDir,
      ownerPid: endedPid(),
      ownerStartTime: "1",
    });
    const { lines, report } = collect();

    const reaped = await reapOrphans({ recordsDir, report });

    expect(isRunning(pid)).toBe(true);
    expect(reaped.map((r) => r.outcome)).toEqual(["already gone"]);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`had ended and left the folder of its target Dovecot ${pid}, no longer running: removed ${dir}$`)),
    ]);
    expect(existsSync(runDir)).toBe(false);
    expect(readdirSync(recordsDir)).toEqual([]);
  });

  it("leaves the Dovecots of a run that is still alive alone", { timeout: 90_000 }, async () => {
    const recordsDir = privateRecordsFolder();
    const alive = await startHeldRun(recordsDir);
    const { lines, report } = collect();

    expect(await reapOrphans({ recordsDir, report })).toEqual([]);

    expect(lines).toEqual([]);
    expect(alive.held.dovecotPids.filter(isRunning)).toHaveLength(2);
    expect([existsSync(alive.held.keyFile), existsSync(alive.held.masterPasswordFile)]).toEqual([true, true]);
    expect(readdirSync(recordsDir)).toHaveLength(2);
  });

  it("leaves an instance alone whose owner is this very process, even with a record it did not write", async () => {
    const recordsDir = privateRecordsFolder();
    const sleeper = spawn("sleep", ["120"], { stdio: "ignore" });
    sleepers.push(sleeper);
    const { runDir, dir, confPath } = fakeInstanceFolder();
    writeRecord(recordsDir, "target-live", {
      role: "target",
      dovecotPid: sleeper.pid!,
      dovecotStartTime: processStartTime(sleeper.pid!)!,
      confPath,
      dir,
      runDir,
      ...ownerOfThisProcess(),
    });

    expect(await reapOrphans({ recordsDir, report: () => undefined })).toEqual([]);
    expect(existsSync(join(dir, "master-users"))).toBe(true);
  });

  it("a run killed before its Dovecot was spawned, or after it was stopped: the folder with the master password is removed", async () => {
    const recordsDir = privateRecordsFolder();
    const { runDir, dir, confPath } = fakeInstanceFolder();
    const record: InstanceRecord = { role: "source", confPath, dir, runDir, ownerPid: endedPid(), ownerStartTime: "1" };
    writeRecord(recordsDir, "source-unstarted", record);
    const { lines, report } = collect();

    await reapOrphans({ recordsDir, report });

    expect(lines).toEqual([expect.stringContaining(`had ended and left the folder of its source Dovecot, no longer running: removed ${dir}`)]);
    expect(existsSync(runDir)).toBe(false);
  });

  it("a record naming a folder without that config: nothing is removed but the record, and the line says so", async () => {
    const recordsDir = privateRecordsFolder();
    const { runDir, dir } = fakeInstanceFolder();
    writeRecord(recordsDir, "target-odd", { role: "target", confPath: join(runDir, "elsewhere.conf"), dir, runDir, ownerPid: endedPid(), ownerStartTime: "1" });
    const { lines, report } = collect();

    await reapOrphans({ recordsDir, report });

    expect(lines).toEqual([expect.stringContaining(`left ${dir} (it does not match the record; check it and remove it by hand)`)]);
    expect(existsSync(join(dir, "master-users"))).toBe(true);
    expect(readdirSync(recordsDir)).toEqual([]);
  });

  it("removes an unreadable record with a line naming it, and a half-written one of a process that has ended", async () => {
    const recordsDir = privateRecordsFolder();
    writeFileSync(join(recordsDir, "broken.json"), "{ not json");
    writeFileSync(join(recordsDir, `target-x.json.tmp-${endedPid()}`), "{");
    const { lines, report } = collect();

    await reapOrphans({ recordsDir, report });

    expect(lines).toEqual([expect.stringMatching(new RegExp(`^oxmig: removed the unreadable rehearsal record ${join(recordsDir, "broken.json")} \\(`))]);
    expect(readdirSync(recordsDir)).toEqual([]);
  });
});
