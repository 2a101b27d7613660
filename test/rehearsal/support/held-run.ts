// Runs support/hold-rehearsal.ts as a child process and ends whatever it leaves, so that a test of
// signals and reaping never leaves a Dovecot or a key file behind, even when it fails or times out.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isRunning } from "../../../rehearsal/dovecot/process-info";
import { reapOrphans } from "../../../rehearsal/dovecot/reap";
import type { Held } from "./hold-rehearsal";

export interface HeldRun {
  readonly child: ChildProcess;
  readonly held: Held;
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
const recordsDirs: string[] = [];

/** A private records folder, so no other process's rehearsal reaps (or is reaped by) this test. */
export function privateRecordsFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "oxmig-records-test-"));
  recordsDirs.push(dir);
  return dir;
}

/** Starts the child and resolves once its rehearsal is up (or rejects with the child's stderr). */
export function startHeldRun(recordsDir: string): Promise<HeldRun> {
  const child = spawn(process.execPath, [join(__dirname, "../../../bin/run-ts.cjs"), join(__dirname, "hold-rehearsal.ts"), recordsDir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes("\n")) resolve({ child, held: JSON.parse(stdout.split("\n")[0]!) as Held, stderr: () => stderr, exited });
    });
    void exited.then(({ code, signal }) => reject(new Error(`hold-rehearsal ended (${code ?? signal}) before it was up:\n${stderr}`)));
  });
}

/** For afterEach: kills the children still running (by PID), reaps what they left, removes the records folders. */
export async function endHeldRuns(): Promise<void> {
  for (const child of children.splice(0)) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null && isRunning(child.pid)) {
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await gone;
    }
  }
  for (const recordsDir of recordsDirs.splice(0)) {
    await reapOrphans({ recordsDir, report: () => undefined });
    rmSync(recordsDir, { recursive: true, force: true });
  }
}
