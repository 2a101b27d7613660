import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "@oxmig/core/errors";
import { generate, type ProfileName } from "@oxmig/core/generate";
import { displayPath, INVENTORY_FILES } from "../../io/inventory";

export interface GenerateCommandOptions {
  readonly people: number;
  readonly seed: number;
  readonly out: string;
  readonly profile: ProfileName;
  readonly waveSize?: number;
  readonly organisations?: string[];
  readonly force?: boolean;
}

/** Writes the three inventory files; returns the exit code. Refuses (exit 2) to overwrite without --force. */
export function generateCommand(opts: GenerateCommandOptions): number {
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
  return 0;
}
