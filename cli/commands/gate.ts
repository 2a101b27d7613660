import { formatReport, type ReportFormat } from "../../gate/report";
import { isBlocking } from "../../engine/violations";
import { writeOutFile } from "../out-file";
import { runGate, type AnalyzerMode, type GateTimings } from "../../gate/run-gate";

export interface GateCommandOptions {
  readonly stack: string;
  readonly format: ReportFormat;
  readonly out?: string;
  readonly root?: string;
  readonly quiet?: boolean;
  readonly inventory?: string;
  /** List every advisory finding in text and markdown reports. */
  readonly verbose?: boolean;
  readonly analyzer?: AnalyzerMode;
}

function timingLine(t: GateTimings): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return `timings: ${s(t.totalMs)} in all — inputs ${s(t.inputsMs)}, program under mocks ${s(t.programMs)} (${t.resources} resources; pack start ${s(t.packStartMs)} alongside), policy evaluation ${s(t.policyMs)} after it (Analyze ${s(t.analyzeAlongsideMs)} on resources as they were declared)`;
}

/** Gates one stack; returns the exit code (0 clean, 1 rejected). Input errors propagate as exit 2 (nothing written). */
export async function gateCommand(opts: GateCommandOptions): Promise<number> {
  const log = (line: string) => opts.quiet || process.stderr.write(`gate ${opts.stack}: ${line}\n`);
  const { result, timings } = await runGate(opts.stack, {
    ...(opts.root ? { root: opts.root } : {}),
    ...(opts.inventory ? { inventoryDir: opts.inventory } : {}),
    ...(opts.analyzer ? { analyzer: opts.analyzer } : {}),
    onPhase: log,
  });
  const report = formatReport(result, opts.format, { verbose: opts.verbose ?? false });
  if (opts.out) {
    writeOutFile(opts.out, report);
    log(`report written to ${opts.out}`);
  } else {
    process.stdout.write(report.endsWith("\n") ? report : `${report}\n`);
  }
  log(timingLine(timings));
  return result.violations.some(isBlocking) ? 1 : 0;
}
