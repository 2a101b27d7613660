// `oxmig status`: what `--help` shows; the implementation (cli/commands/status.ts, with the Kubernetes
// client) loads when it runs.
import { Option, type Command } from "commander";
import type { StatusCommandOptions } from "../commands/status";
import { implementation } from "../implementation";

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("show each wave's migration Job from the Kubernetes API (your kubeconfig): done, running, failed (named mailboxes) and left; read-only")
    .requiredOption("--stack <stack>", "stack name (reads Pulumi.<stack>.yaml and its inventory)")
    .option("--wave <name...>", "only these waves (default: the stack's selection)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--out <file>", "write the status to this file instead of stdout")
    .option("--kubeconfig <file>", "kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)")
    .option("--context <name>", "kubeconfig context (default: its current-context)")
    .action(async (opts: StatusCommandOptions) => {
      const { statusCommand } = await implementation(import("../commands/status.js"));
      process.exitCode = await statusCommand(opts);
    });
}
