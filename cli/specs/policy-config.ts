// `oxmig policy-config`: what `--help` shows; the implementation (cli/commands/policy-config.ts, which
// reads the policy pack) loads when it runs.
import type { Command } from "commander";
import type { PolicyConfigOptions } from "../commands/policy-config";
import { implementation } from "../implementation";

export function registerPolicyConfig(program: Command): void {
  program
    .command("policy-config")
    .description("write the --policy-pack-config JSON for the real Pulumi CLI: the same settings the gate gives every policy")
    .requiredOption("--stack <stack>", "stack name (Pulumi.<stack>.yaml)")
    .option("--out <file>", "write to this file instead of stdout (e.g. policy-config.staging.json)")
    .action(async (opts: PolicyConfigOptions) => {
      const { policyConfigCommand } = await implementation(import("../commands/policy-config.js"));
      process.exitCode = policyConfigCommand(opts);
    });
}
