// `oxmig generate`: what `--help` shows and how its numbers are parsed; the generator
// (cli/commands/generate.ts) loads when it runs.
import { InvalidArgumentError, Option, type Command } from "commander";
import type { GenerateCommandOptions } from "../commands/generate";
import { PROFILE_NAMES } from "@oxmig/core/generate/profiles";
import { implementation } from "../implementation";

/** core/generate's MAX_PEOPLE (a test keeps them equal): the generator itself is not loaded for `--help`. */
export const MAX_PEOPLE = 200_000;

function integer(name: string, min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got "${raw}".`);
    }
    return value;
  };
}

const list = (raw: string): string[] =>
  raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description(
      "write a synthetic, self-consistent inventory (directory.ldif, exchange.csv, plan.yaml) into a directory; " +
        "the same options always give the same bytes",
    )
    .requiredOption("--out <dir>", "directory to write the three files into (created if missing)")
    .option("--people <n>", "number of people, curated ones included", integer("--people", 1, MAX_PEOPLE), 300)
    .option("--seed <n>", "seed of the pseudo-random generator", integer("--seed", 0, 2 ** 32 - 1), 1)
    .addOption(
      new Option("--profile <profile>", "staging adds the curated traps (homonyms, disabled accounts, umlauts, …) and its six organisations")
        .choices([...PROFILE_NAMES])
        .default("default"),
    )
    .option("--wave-size <n>", "mailboxes per wave (default: 50, staging 25)", integer("--wave-size", 1, 100_000))
    .option("--organisations <list>", "comma-separated organisation names, e.g. im,fa-luebeck (default: from the profile or the head count)", list)
    .option("--force", "overwrite existing files")
    .action(async (opts: GenerateCommandOptions) => {
      const { generateCommand } = await implementation(import("../commands/generate.js"));
      process.exitCode = generateCommand(opts);
    });
}
