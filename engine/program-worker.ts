// Child-process entry: runs one program under mocks and sends its resources to the parent.
// Started by program-process.ts through bin/run-ts.cjs; one program per process because
// Pulumi's runtime is a process-wide singleton.
import { runProgramUnderMocks, type ProgramMocks, type RunProgramOptions } from "./run-program";

/** The job the parent sends: run-program options, with mocks given as a module path. */
export interface ProgramJob extends Omit<RunProgramOptions, "mocks" | "onDeclared"> {
  /** Absolute path of a module exporting `newResource` (see ProgramMocks). */
  readonly mocksModule?: string;
  /** Send resources in batches of this many as they are declared (see RunProgramOptions.onDeclared). */
  readonly streamBatch?: number;
}

type Declared = Awaited<ReturnType<typeof runProgramUnderMocks>>;

/** Resources by their index in registration order; an index may come again with the resource's final outputs. */
export interface DeclaredBatch {
  readonly declared: [number, Declared[number]][];
}

export type WorkerReply =
  { readonly ok: true; readonly resources: Declared } | { readonly ok: true; readonly streamed: number } | { readonly ok: false; readonly error: string };

function reply(message: WorkerReply, code: number): void {
  process.send?.(message, () => process.exit(code));
}

function fail(err: unknown): void {
  reply({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 1);
}

async function run(job: ProgramJob): Promise<void> {
  const mocks: ProgramMocks | undefined = job.mocksModule ? require(job.mocksModule) : undefined;
  if (!job.streamBatch) {
    reply({ ok: true, resources: await runProgramUnderMocks({ ...job, mocks }) }, 0);
    return;
  }
  const batchSize = job.streamBatch;
  let pending: DeclaredBatch["declared"] = [];
  const flush = () => {
    if (pending.length) process.send?.({ declared: pending } satisfies DeclaredBatch);
    pending = [];
  };
  const resources = await runProgramUnderMocks({
    ...job,
    mocks,
    onDeclared: (index, resource) => {
      pending.push([index, resource]);
      if (pending.length >= batchSize) flush();
    },
  });
  flush();
  reply({ ok: true, streamed: resources.length }, 0);
}

process.on("unhandledRejection", fail);
process.on("uncaughtException", fail);
process.once("message", (job: ProgramJob) => {
  run(job).catch(fail);
});
