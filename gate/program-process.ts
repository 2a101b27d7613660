// Parent side of program-worker.ts: forks a fresh Node process per program run and
// returns what the program declared. Stops the child by its PID on timeout.
import { fork } from "node:child_process";
import * as path from "node:path";
import type { DeclaredBatch, ProgramJob, WorkerReply } from "./program-worker";
import type { DeclaredResource } from "./types";

const REPO = path.resolve(__dirname, "..");
const RUN_TS = path.join(REPO, "bin", "run-ts.cjs");
const WORKER = path.join(__dirname, "program-worker.ts");

export interface ProgramProcessOptions extends ProgramJob {
  /**
   * Node's --stack-trace-limit in the child. The SDK captures a stack trace per resource;
   * 0 skips that work (default 0: measured faster, see bench/gate-engine.ts).
   */
  readonly stackTraceLimit?: number;
  /** --max-old-space-size in MB for large stacks (default: Node's). */
  readonly maxOldSpaceMb?: number;
  /**
   * --max-semi-space-size in MB: the SDK allocates many short-lived objects per resource, and a larger
   * young generation cuts garbage-collection time by about a quarter (default 64; bench/gate.ts).
   */
  readonly semiSpaceMb?: number;
  /** Give up and stop the child after this many ms (default 10 minutes). */
  readonly timeoutMs?: number;
  /** Stops the child early (the caller found a reason not to need its answer). */
  readonly signal?: AbortSignal;
  /**
   * Called in this process with each resource soon after the program declared it (batches of
   * `streamBatch`, default 256), first declarations only: components and the stack reach the returned
   * list with their final outputs.
   */
  readonly onDeclared?: (resources: readonly DeclaredResource[]) => void;
}

const DEFAULT_STREAM_BATCH = 256;

export const DEFAULT_SEMI_SPACE_MB = 64;

function execArgvFor(opts: ProgramProcessOptions): string[] {
  const argv = [`--stack-trace-limit=${opts.stackTraceLimit ?? 0}`, `--max-semi-space-size=${opts.semiSpaceMb ?? DEFAULT_SEMI_SPACE_MB}`];
  if (opts.maxOldSpaceMb) argv.push(`--max-old-space-size=${opts.maxOldSpaceMb}`);
  return [...argv, ...cpuProfileArgv()];
}

/** OXMIG_CPU_PROF=<dir>: the child writes a V8 CPU profile there (see bench/profile-summary.ts). */
export function cpuProfileArgv(env: NodeJS.ProcessEnv = process.env): string[] {
  const dir = env["OXMIG_CPU_PROF"];
  return dir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(dir)}`, "--require", path.join(__dirname, "profile-exit.cjs")] : [];
}

/** Runs the program under mocks in a child process and returns its resources. */
export function runProgram(opts: ProgramProcessOptions): Promise<DeclaredResource[]> {
  const { stackTraceLimit: _limit, maxOldSpaceMb: _heap, semiSpaceMb: _young, timeoutMs, signal, onDeclared, ...rest } = opts;
  const job: ProgramJob = onDeclared ? { ...rest, streamBatch: rest.streamBatch ?? DEFAULT_STREAM_BATCH } : rest;
  const streamed = new Map<number, DeclaredResource>();
  // An explicit execArgv: the child must not inherit a test runner's loader flags.
  const child = fork(RUN_TS, [WORKER], { execArgv: execArgvFor(opts), stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise<DeclaredResource[]>((resolve, reject) => {
    let reply: WorkerReply | undefined;
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid);
      reject(new Error(`Program ${job.programModule} did not finish within ${timeoutMs ?? 600_000} ms; stopped it.`));
    }, timeoutMs ?? 600_000);
    const onAbort = () => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid);
      reject(new Error(`Program ${job.programModule} stopped before it finished: ${String(signal?.reason ?? "aborted")}`));
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    child.on("message", (m: WorkerReply | DeclaredBatch) => {
      if (!("declared" in m)) return void (reply = m);
      const first: DeclaredResource[] = [];
      for (const [index, resource] of m.declared) {
        if (!streamed.has(index)) first.push(resource);
        streamed.set(index, resource);
      }
      if (first.length) onDeclared?.(first);
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("exit", (code, exitSignal) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (reply?.ok && "resources" in reply) resolve(reply.resources);
      else if (reply?.ok) {
        const all = Array.from({ length: reply.streamed }, (_, i) => streamed.get(i));
        const missing = all.findIndex((r) => r === undefined);
        if (missing >= 0) reject(new Error(`Program ${job.programModule} declared ${reply.streamed} resources but resource #${missing} never arrived.`));
        else resolve(all as DeclaredResource[]);
      } else reject(new Error(reply ? `Program ${job.programModule} failed:\n${reply.error}` : `Program worker exited with ${exitSignal ?? code} before replying.`));
    });
    child.send(job);
  });
}
