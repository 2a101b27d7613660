// Runs a wave's rendered migrate.sh the way its Indexed Job does: one `/bin/sh migrate.sh` per index
// with JOB_COMPLETION_INDEX set, at most `workers` at a time (the Job's parallelism). Each index runs in
// its own process group, as a pod has its own processes, so a test can end one "pod" with everything
// it started (sh and doveadm) by its group id, and start that index again.
import { spawn } from "node:child_process";
import { mapLimited } from "./map-limited";

export interface IndexRun {
  readonly index: number;
  /** Exit code of the script; null when a signal ended it. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface StartedIndex {
  /** Process id of the script's sh, which is also its process group id. */
  readonly pid: number;
  readonly done: Promise<IndexRun>;
}

/** Starts one index of the script (a "pod"): its own process group, only PATH and JOB_COMPLETION_INDEX in its environment. */
export function startIndex(scriptFile: string, index: number): StartedIndex {
  const started = performance.now();
  const child = spawn("/bin/sh", [scriptFile], {
    detached: true,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", JOB_COMPLETION_INDEX: String(index) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<IndexRun>((resolve) => {
    child.once("error", (err) => resolve({ index, exitCode: null, signal: null, stdout, stderr: `${stderr}${err.message}`, ms: performance.now() - started }));
    child.once("close", (exitCode, signal) => resolve({ index, exitCode, signal, stdout, stderr, ms: performance.now() - started }));
  });
  if (child.pid === undefined) return { pid: -1, done };
  return { pid: child.pid, done };
}

/** Every index of `indexes` in at most `workers` parallel processes; results in index order. */
export function runIndexes(scriptFile: string, indexes: readonly number[], workers: number, onDone?: (run: IndexRun) => void): Promise<IndexRun[]> {
  return mapLimited(indexes, Math.max(1, workers), async (index) => {
    const run = await startIndex(scriptFile, index).done;
    onDone?.(run);
    return run;
  });
}

/** 0 … count-1. */
export const allIndexes = (count: number): number[] => Array.from({ length: count }, (_, i) => i);
