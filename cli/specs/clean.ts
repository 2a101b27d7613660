// `oxmig clean`: what `--help` shows; the implementation (cli/commands/clean.ts) loads when it runs.
import type { Command } from "commander";
import type { CleanCommandOptions } from "../commands/clean";
import { implementation } from "../implementation";

export function registerClean(program: Command): void {
  program
    .command("clean")
    .description("remove exactly the messages `oxmig audit` finds foreign in a wave's declared targets (dry run unless --apply)")
    .requiredOption("--stack <stack>", "stack name (reads Pulumi.<stack>.yaml and its inventory)")
    .requiredOption("--wave <name...>", "the wave(s) to clean")
    .option("--apply", "remove the messages (default: only show them)")
    .option("--log <file>", "append-only removal log (default: oxmig-clean-<stack>.jsonl)")
    .option("--parallel <n>", "parallel IMAP sessions and doveadm requests while auditing (default 4)", (v) => Number(v))
    .action(async (opts: CleanCommandOptions) => {
      const { cleanCommand } = await implementation(import("../commands/clean.js"));
      process.exitCode = await cleanCommand(opts);
    });
}
