// `oxmig gate --stack-family <family>`: one combined report for every shard of the family.
import { UsageError } from "@oxmig/core/errors";
import { formatReport } from "../../gate/report";
import { isBlocking } from "../../engine/violations";
import { writeOutFile } from "../out-file";
import { runFamilyGate, type FamilyGateRun } from "../../gate/family";
import { familyProgress } from "../../gate/family-progress";
import type { GateCommandOptions } from "./gate";

/** The gate command's options, for a family (`--stack-family`) or one stack of it. */
export interface FamilyGateCommandOptions extends Omit<GateCommandOptions, "stack"> {
  readonly stack?: string;
  readonly stackFamily?: string;
}

function timingLines(run: FamilyGateRun): string[] {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    `${run.shards.length} shards, ${run.concurrency} at a time, ${s(run.wallMs)} in all (family checks ${s(run.familyChecksMs)})`,
    ...run.shards.map(
      (r) =>
        `  ${r.shard}: ${s(r.wallMs)} — inputs ${s(r.timings.inputsMs)}, program ${s(r.timings.programMs)} (${r.timings.resources} resources), pack start ${s(r.timings.packStartMs)} alongside, policy ${s(r.timings.policyMs)}`,
    ),
  ];
}

/** Gates every shard of a family; returns 0 when all pass, 1 when any finding blocks. Bad input propagates (exit 2). */
export async function familyGateCommand(opts: FamilyGateCommandOptions): Promise<number> {
  if (opts.stackFamily === undefined || opts.stack !== undefined) throw new UsageError("give exactly one of --stack <stack> and --stack-family <family>");
  if (opts.inventory !== undefined) throw new UsageError("--inventory applies to one stack; a family's shards name their inventory");
  const family = opts.stackFamily;
  const log = (line: string) => opts.quiet || process.stderr.write(`gate ${family}: ${line}\n`);
  const run = await runFamilyGate(family, {
    ...(opts.root ? { root: opts.root } : {}),
    ...(opts.analyzer ? { analyzer: opts.analyzer } : {}),
    progress: (shards) => familyProgress(family, shards, process.stderr, opts.quiet),
  });
  const report = formatReport(run.result, opts.format, { verbose: opts.verbose ?? false });
  if (opts.out) {
    writeOutFile(opts.out, report);
    log(`report written to ${opts.out}`);
  } else {
    process.stdout.write(report.endsWith("\n") ? report : `${report}\n`);
  }
  for (const line of timingLines(run)) log(line);
  return run.result.violations.some(isBlocking) ? 1 : 0;
}
