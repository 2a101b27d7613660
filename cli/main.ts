import { Command, CommanderError } from "commander";
import { InputError, InputErrors, UsageError } from "@oxmig/core/errors";
import { registerAudit } from "./specs/audit";
import { registerBindings } from "./specs/bindings";
import { registerClean } from "./specs/clean";
import { registerGenerate } from "./specs/generate";
import { registerGate } from "./specs/gate";
import { registerLock } from "./specs/lock";
import { registerPolicyConfig } from "./specs/policy-config";
import { registerReview } from "./specs/review";
import { registerRehearse } from "./specs/rehearse";
import { registerStatus } from "./specs/status";
import { registerVerify } from "./specs/verify";
import { checkOutFile, endQuietlyOnClosedStdout } from "./out-file";

/** Exit codes used by every command. */
export const EXIT = { ok: 0, rejected: 1, badInput: 2 } as const;

/**
 * Builds the program from the commands' specs (cli/specs/): names, options, help. A command's
 * implementation (cli/commands/) loads only when it runs, so `--help` and light commands never load
 * the Pulumi SDK; each action sets `process.exitCode`.
 */
export function buildProgram(): Command {
  const program = new Command("oxmig")
    .description("Exchange → Open-Xchange migration stack: bindings, gate, lock, review, rehearsal")
    .showHelpAfterError()
    .exitOverride();
  registerBindings(program);
  registerLock(program);
  registerGate(program);
  registerGenerate(program);
  registerRehearse(program);
  registerVerify(program);
  registerReview(program);
  registerPolicyConfig(program);
  registerAudit(program);
  registerClean(program);
  registerStatus(program);
  // further commands register here
  // Every command with --out: refuse a path that cannot be written before any work starts.
  // (generate's --out is a folder of its own kind.)
  program.hook("preAction", (_program, command) => {
    if (command.name() !== "generate") checkOutFile(command.opts<{ out?: string }>().out);
  });
  return program;
}

/** Runs the CLI and returns the exit code; only this function turns errors into codes. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  endQuietlyOnClosedStdout();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    if (err instanceof InputError || err instanceof InputErrors || err instanceof UsageError) {
      process.stderr.write(`oxmig: ${err.message}\n`);
      return EXIT.badInput;
    }
    throw err;
  }
}
