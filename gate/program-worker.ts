// Child-process entry: runs one program under mocks and sends its resources to the parent.
// Started by program-process.ts through bin/run-ts.cjs; one program per process because
// Pulumi's runtime is a process-wide singleton.
import { runProgramUnderMocks, type ProgramMocks, type RunProgramOptions } from "./run-program";

/** The job the parent sends: run-program options, with mocks given as a module path. */
export interface ProgramJob extends Omit<RunProgramOptions, "mocks"> {
  /** Absolute path of a module exporting `newResource` (see ProgramMocks). */
  readonly mocksModule?: string;
}

export type WorkerReply =
  | { readonly ok: true; readonly resources: Awaited<ReturnType<typeof runProgramUnderMocks>> }
  | { readonly ok: false; readonly error: string };

function reply(message: WorkerReply, code: number): void {
  process.send?.(message, () => process.exit(code));
}

function fail(err: unknown): void {
  reply({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 1);
}

async function run(job: ProgramJob): Promise<void> {
  const mocks: ProgramMocks | undefined = job.mocksModule ? require(job.mocksModule) : undefined;
  const resources = await runProgramUnderMocks({ ...job, mocks });
  reply({ ok: true, resources }, 0);
}

process.on("unhandledRejection", fail);
process.on("uncaughtException", fail);
process.once("message", (job: ProgramJob) => {
  run(job).catch(fail);
});
