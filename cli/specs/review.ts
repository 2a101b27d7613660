// `oxmig review`: what `--help` shows; the implementation (cli/commands/review.ts, and with the gate
// the Pulumi SDK) loads when it runs.
import type { Command } from "commander";
import type { ReviewOptions } from "../commands/review";
import { implementation } from "../implementation";

export function registerReview(program: Command): void {
  program
    .command("review")
    .description("Markdown for a pull-request comment: mailboxes added, removed and re-bound since --base, key changes, and the gate's verdict")
    .requiredOption("--stack <stack>", "stack name (Pulumi.<stack>.yaml)")
    .option("--base <git-ref>", "revision to compare with (default: origin/main if it exists, else HEAD)")
    .option("--out <file>", "write the Markdown to a file instead of stdout")
    .option("--no-gate", "skip the policy gate (no verdict in the comment)")
    .action(async (opts: ReviewOptions) => {
      const { reviewCommand } = await implementation(import("../commands/review.js"));
      process.exitCode = await reviewCommand(opts);
    });
}
