// `oxmig lock`: what `--help` shows; the implementation (cli/commands/lock.ts) loads when it runs.
import type { Command } from "commander";
import type { LockCommandOptions } from "../commands/lock";
import { implementation } from "../implementation";

export const LOCK_FILE = "bindings.lock.yaml";

export function registerLock(program: Command): void {
  program
    .command("lock")
    .description(`write inventory/<stack>/${LOCK_FILE}: the approved owner, addresses, source and key identity of every mailbox`)
    .requiredOption("--stack <stack>", "stack name")
    .option("--check", "do not write; exit 1 when the lock is missing or differs from the plan (for CI, like `npm ci` with a stale lockfile)")
    .option("--inventory <dir>", "lock this inventory folder with the stack's settings instead of the stack's own")
    .action(async (opts: LockCommandOptions) => {
      const { lockCommand } = await implementation(import("../commands/lock.js"));
      process.exitCode = lockCommand(opts);
    });
}
