// Stops the Dovecots a killed rehearsal left running and removes their folders (throwaway key and
// master passwords). Only instances whose owning process has ended are touched, and a PID is
// signalled only while it still is that Dovecot: same start time, started with that instance's config.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { defaultRecordsDir, readRecords, removeRecord, type InstanceRecord } from "./instance-records";
import { childrenOf, isDovecotMaster, isRunning, isSameProcess } from "./process-info";

export interface ReapOptions {
  readonly recordsDir?: string;
  /** One line per instance reaped (default: stderr). */
  readonly report?: (line: string) => void;
  /** How long a Dovecot gets to stop after SIGTERM before it gets SIGKILL (default 10 s). */
  readonly graceMs?: number;
}

export type ReapOutcome = "stopped" | "already gone" | "not stopped";

export interface Reaped {
  readonly record: InstanceRecord;
  readonly outcome: ReapOutcome;
}

/** Reaps every recorded instance whose owner has ended; live owners' instances are left alone. */
export async function reapOrphans(options: ReapOptions = {}): Promise<Reaped[]> {
  const recordsDir = options.recordsDir ?? defaultRecordsDir();
  const report = options.report ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const entries = readRecords(recordsDir);
  for (const e of entries) {
    if ("unreadable" in e) {
      report(`oxmig: removed the unreadable rehearsal record ${e.path} (${e.unreadable})`);
      removeRecord(e.path);
    }
  }
  const records = entries.flatMap((e) => ("record" in e ? [{ path: e.path, record: e.record }] : []));
  const orphans = records.filter(({ record }) => !isSameProcess(record.ownerPid, record.ownerStartTime));
  const outcomes = await Promise.all(orphans.map(({ record }) => stopOrphan(record, options.graceMs ?? 10_000)));
  const reaped: Reaped[] = orphans.map(({ record }, i) => ({ record, outcome: outcomes[i]! }));
  const removed = new Set<string>();
  const runDirs = new Set<string>();
  for (const [i, { path, record }] of orphans.entries()) {
    const { outcome } = reaped[i]!;
    if (outcome === "not stopped") {
      report(describe(record, outcome, false));
      continue;
    }
    // Nothing runs and nothing is left (a run that cleaned up but did not exit normally): say nothing.
    const silent = outcome === "already gone" && !existsSync(record.dir);
    const folderRemoved = removeFolder(record.dir, record);
    if (!silent) report(describe(record, outcome, folderRemoved));
    if (folderRemoved && record.runDir) runDirs.add(record.runDir);
    removeRecord(path);
    removed.add(path);
  }
  // A run's folder goes once none of its instances is left (source and target share one).
  const remaining = records.filter(({ path }) => !removed.has(path));
  for (const runDir of runDirs) {
    if (!remaining.some(({ record }) => record.runDir === runDir)) removeFolder(runDir, undefined);
  }
  removeAbandonedTempFiles(recordsDir);
  return reaped;
}

/** True while `pid` is the recorded Dovecot master and not a process that reused its PID. */
export function isRecordedDovecot(record: InstanceRecord): boolean {
  const { dovecotPid: pid, dovecotStartTime: started } = record;
  if (pid === undefined || started === undefined || !isSameProcess(pid, started)) return false;
  return isDovecotMaster(pid, record.confPath);
}

async function stopOrphan(record: InstanceRecord, graceMs: number): Promise<ReapOutcome> {
  const pid = record.dovecotPid;
  if (pid === undefined || !isRecordedDovecot(record)) return "already gone";
  const children = childrenOf(pid);
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    if (!isRecordedDovecot(record)) break;
    try {
      process.kill(pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ESRCH") return "not stopped";
    }
    await waitUntilGone([pid], graceMs);
  }
  if (isRecordedDovecot(record)) return "not stopped";
  // The master stops its children; wait for them so the caller sees nothing of it left.
  await waitUntilGone(children, graceMs);
  return "stopped";
}

/** A record half-written by a process that was killed before its rename. */
function removeAbandonedTempFiles(recordsDir: string): void {
  for (const file of readdirSync(recordsDir)) {
    const writer = /\.json\.tmp-(\d+)$/.exec(file)?.[1];
    if (writer && !isRunning(Number(writer))) rmSync(join(recordsDir, file), { force: true });
  }
}

async function waitUntilGone(pids: readonly number[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (pids.some(isRunning) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Removes an instance folder (only one holding that record's config) or a run folder holding instance folders. */
function removeFolder(dir: string, record: InstanceRecord | undefined): boolean {
  if (!isAbsolute(dir) || dir === "/") return false;
  if (record && record.confPath !== join(dir, "dovecot.conf")) return false;
  if (record?.runDir && !dir.startsWith(`${record.runDir}/`)) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}

function describe(r: InstanceRecord, outcome: ReapOutcome, removed: boolean): string {
  const run = `oxmig: rehearsal process ${r.ownerPid} had ended`;
  const dovecot = `its ${r.role} Dovecot${r.dovecotPid === undefined ? "" : ` ${r.dovecotPid}`}`;
  const folder = removed ? `removed ${r.dir}` : `left ${r.dir} (it does not match the record; check it and remove it by hand)`;
  switch (outcome) {
    case "stopped":
      return `${run} without stopping ${dovecot}: stopped it and ${folder}`;
    case "already gone":
      return `${run} and left the folder of ${dovecot}, no longer running: ${folder}`;
    case "not stopped":
      return `${run} without stopping ${dovecot}, which could not be stopped: stop it by hand and remove ${r.dir} (throwaway keys and a master password)`;
  }
}
