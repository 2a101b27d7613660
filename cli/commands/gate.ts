import { Option, type Command } from "commander";
import { formatReport, REPORT_FORMATS, type ReportFormat } from "../../gate/report";
import { isBlocking } from "../../gate/violations";
import { familyGateCommand, type FamilyGateCommandOptions } from "../gate/family-command";
import { writeOutFile } from "../out-file";
import { ANALYZER_MODES, runGate, type AnalyzerMode, type GateTimings } from "../gate/run-gate";

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

export function registerGate(program: Command): void {
  program
    .command("gate")
    .description("run the real program under Pulumi's mock runtime and the real policy pack on it; exit 1 on any mandatory violation")
    .option("--stack <stack>", "stack name (Pulumi.<stack>.yaml)")
    .option("--stack-family <family>", "gate every shard of a stack family (stack files with oxmig:family: <family>) in parallel, one combined report")
    .addOption(new Option("--format <format>", "report format").choices([...REPORT_FORMATS]).default("text"))
    .option("--out <file>", "write the report to a file instead of stdout")
    .option("--inventory <dir>", "gate this inventory folder with the stack's settings (what-if checks; its lock is used)")
    .option("--verbose", "list every advisory finding (text and markdown collapse them per policy)")
    .addOption(
      new Option("--analyzer <mode>", "in-process: the policy SDK's analyzer handlers in this process (fast); grpc: the pack as its own process over the analyzer protocol, as pulumi preview runs it")
        .choices([...ANALYZER_MODES])
        .default("in-process"),
    )
    .option("--quiet", "no progress lines on stderr")
    .action(async (opts: GateCommandOptions & FamilyGateCommandOptions) => {
      process.exitCode = opts.stack !== undefined && opts.stackFamily === undefined ? await gateCommand(opts) : await familyGateCommand(opts);
    });
}
