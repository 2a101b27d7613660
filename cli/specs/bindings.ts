// `oxmig bindings`: what `--help` shows; the implementation (cli/commands/bindings.ts) loads when it runs.
import type { Command } from "commander";
import type { BindingsCommandOptions } from "../commands/bindings";
import { formatOption } from "../options";
import { implementation } from "../implementation";

export function registerBindings(program: Command): void {
  program
    .command("bindings")
    .description("print every resolved binding chain of a stack (person → OX user → Dovecot login/home/key → Exchange source → addresses)")
    .requiredOption("--stack <stack>", "stack name (reads Pulumi.<stack>.yaml and inventory/<stack>/)")
    .addOption(formatOption(["text", "json"]))
    .action(async (opts: BindingsCommandOptions) => {
      const { bindingsCommand } = await implementation(import("../commands/bindings.js"));
      process.exitCode = bindingsCommand(opts);
    });
}
