// Parent side of program-worker.ts: forks a fresh Node process per program run and
// returns what the program declared. Stops the child by its PID on timeout. The child runs the
// compiled build (bin/build.cjs) when it is fresh and holds the program, else the sources through tsx.
import { fork } from "node:child_process";
import * as path from "node:path";
import type { DeclaredBatch, ProgramJob, WorkerReply } from "./program-worker";
import type { DeclaredResource } from "./types";
import type { ProjectBuild } from "../bin/build.cjs";

const REPO = path.resolve(__dirname, "..");
const RUN_TS = path.join(REPO, "bin", "run-ts.cjs");
const BUILD_SCRIPT = path.join(REPO, "bin", "build.cjs");
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

/** What the parent asks of a build (bin/build.cjs). */
export type BuildLookup = Pick<ProjectBuild, "root" | "freshBuildDir" | "builtPath">;

export interface ChildEntry {
  /** The script the child runs, and its arguments. */
  readonly module: string;
  readonly args: string[];
  readonly job: ProgramJob;
  readonly compiled: boolean;
}

/**
 * The child's entry and job: the compiled worker with the compiled program (and mocks) when the
 * build is fresh and holds them (starting the SDK and the program compiled saves compiling them
 * on the fly), else the TypeScript worker through tsx with the job as given.
 */
export function childEntry(job: ProgramJob, build: BuildLookup = require(BUILD_SCRIPT)): ChildEntry {
  const worker = build.freshBuildDir() && build.builtPath(path.join(build.root, path.relative(REPO, WORKER)));
  const programModule = worker && build.builtPath(job.programModule);
  const mocksModule = job.mocksModule !== undefined && programModule ? build.builtPath(job.mocksModule) : undefined;
  if (!worker || !programModule || (job.mocksModule !== undefined && !mocksModule)) return { module: RUN_TS, args: [WORKER], job, compiled: false };
  return { module: worker, args: [], job: { ...job, programModule, ...(mocksModule ? { mocksModule } : {}) }, compiled: true };
}

/**
 * Runs the program under mocks in a child process and returns its resources. `build`: where a
 * compiled worker and program are looked for (this project's build; tests pass a throwaway one).
 */
export function runProgram(opts: ProgramProcessOptions, build: BuildLookup = require(BUILD_SCRIPT)): Promise<DeclaredResource[]> {
  const { stackTraceLimit: _limit, maxOldSpaceMb: _heap, semiSpaceMb: _young, timeoutMs, signal, onDeclared, ...rest } = opts;
  const job: ProgramJob = onDeclared ? { ...rest, streamBatch: rest.streamBatch ?? DEFAULT_STREAM_BATCH } : rest;
  // Messages name the program as the caller gave it, not its compiled copy.
  const entry = childEntry(job, build);
  const streamed = new Map<number, DeclaredResource>();
  // An explicit execArgv: the child must not inherit a test runner's loader flags.
  const child = fork(entry.module, entry.args, { execArgv: execArgvFor(opts), stdio: ["ignore", "inherit", "inherit", "ipc"] });
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
      } else
        reject(new Error(reply ? `Program ${job.programModule} failed:\n${reply.error}` : `Program worker exited with ${exitSignal ?? code} before replying.`));
    });
    child.send(entry.job);
  });
}
