import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InvalidArgumentError, Option, type Command } from "commander";
import { UsageError } from "../../core/errors";
import { generate, MAX_PEOPLE, PROFILE_NAMES, type ProfileName } from "../../core/generate";
import { displayPath, INVENTORY_FILES } from "../../io/inventory";

interface GenerateCliOptions {
  people: number;
  seed: number;
  out: string;
  profile: ProfileName;
  waveSize?: number;
  organisations?: string[];
  force?: boolean;
}

function integer(name: string, min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got "${raw}".`);
    }
    return value;
  };
}

const list = (raw: string): string[] => raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0);

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
    .addOption(new Option("--profile <profile>", "staging adds the curated traps (homonyms, disabled accounts, umlauts, …) and its six organisations").choices([...PROFILE_NAMES]).default("default"))
    .option("--wave-size <n>", "mailboxes per wave (default: 50, staging 25)", integer("--wave-size", 1, 100_000))
    .option("--organisations <list>", "comma-separated organisation names, e.g. im,fa-luebeck (default: from the profile or the head count)", list)
    .option("--force", "overwrite existing files")
    .action((opts: GenerateCliOptions) => {
      const paths = Object.values(INVENTORY_FILES).map((name) => join(opts.out, name));
      const existing = paths.filter((path) => existsSync(path));
      if (existing.length > 0 && !opts.force) {
        throw new UsageError(`refusing to overwrite ${existing.map((p) => displayPath(p)).join(", ")}; pass --force to replace them`);
      }
      const inventory = generate({
        people: opts.people,
        seed: opts.seed,
        profile: opts.profile,
        out: opts.out,
        ...(opts.waveSize !== undefined ? { waveSize: opts.waveSize } : {}),
        ...(opts.organisations ? { organisations: opts.organisations } : {}),
      });
      mkdirSync(opts.out, { recursive: true });
      writeFileSync(join(opts.out, INVENTORY_FILES.directory), inventory.directoryLdif);
      writeFileSync(join(opts.out, INVENTORY_FILES.exchange), inventory.exchangeCsv);
      writeFileSync(join(opts.out, INVENTORY_FILES.plan), inventory.planYaml);
      const { people, mailboxes, waves, organisations } = inventory.summary;
      process.stdout.write(
        `wrote ${displayPath(opts.out)}: ${people} people, ${mailboxes} mailboxes, ${waves} waves, ${organisations} organisations (${Object.values(INVENTORY_FILES).join(", ")})\n`,
      );
    });
}
