// `oxmig gate`: what `--help` shows; the implementation (cli/commands/gate.ts, and with it the Pulumi
// SDK) loads only when the gate runs.
import { Option, type Command } from "commander";
import type { FamilyGateCommandOptions } from "../commands/gate-family";
import type { AnalyzerMode } from "../../gate/run-gate";
import type { ReportFormat } from "../../gate/report";
import type { GateCommandOptions } from "../commands/gate";
import { implementation } from "../implementation";

// The same lists as gate/report's REPORT_FORMATS and run-gate's ANALYZER_MODES (a test keeps them
// equal): importing those modules would load the report writers and the SDK for `--help`.
export const REPORT_FORMAT_CHOICES = ["text", "json", "sarif", "junit", "markdown"] as const satisfies readonly ReportFormat[];
export const ANALYZER_CHOICES = ["in-process", "grpc"] as const satisfies readonly AnalyzerMode[];

export function registerGate(program: Command): void {
  program
    .command("gate")
    .description("run the real program under Pulumi's mock runtime and the real policy pack on it; exit 1 on any mandatory violation")
    .option("--stack <stack>", "stack name (Pulumi.<stack>.yaml)")
    .option("--stack-family <family>", "gate every shard of a stack family (stack files with oxmig:family: <family>) in parallel, one combined report")
    .addOption(new Option("--format <format>", "report format").choices([...REPORT_FORMAT_CHOICES]).default("text"))
    .option("--out <file>", "write the report to a file instead of stdout")
    .option("--inventory <dir>", "gate this inventory folder with the stack's settings (what-if checks; its lock is used)")
    .option("--verbose", "list every advisory finding (text and markdown collapse them per policy)")
    .addOption(
      new Option(
        "--analyzer <mode>",
        "in-process: the policy SDK's analyzer handlers in this process (fast); grpc: the pack as its own process over the analyzer protocol, as pulumi preview runs it",
      )
        .choices([...ANALYZER_CHOICES])
        .default("in-process"),
    )
    .option("--quiet", "no progress lines on stderr")
    .action(async (opts: GateCommandOptions & FamilyGateCommandOptions) => {
      if (opts.stack !== undefined && opts.stackFamily === undefined) {
        const { gateCommand } = await implementation(import("../commands/gate.js"));
        process.exitCode = await gateCommand(opts);
      } else {
        const { familyGateCommand } = await implementation(import("../commands/gate-family.js"));
        process.exitCode = await familyGateCommand(opts);
      }
    });
}
