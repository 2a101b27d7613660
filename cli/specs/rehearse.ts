// `oxmig rehearse`: what `--help` shows and how its numbers are parsed; the rehearsal
// (cli/commands/rehearse.ts) loads when it runs.
import { InvalidArgumentError, type Command } from "commander";
import type { RehearseOptions } from "../commands/rehearse";
import { formatOption } from "../options";
import { implementation } from "../implementation";

function positiveInteger(name: string) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < 1)
      throw new InvalidArgumentError(`${name} must be a positive integer, got "${raw}".`);
    return value;
  };
}

export function registerRehearse(program: Command): void {
  program
    .command("rehearse")
    .description(
      "dress rehearsal on two private Dovecots: seed a source from exchange.csv, migrate the stack's pairings with doveadm backup -R into a mail_crypt target configured from the bindings, verify (canaries, fingerprints, encryption, own keys)",
    )
    .requiredOption("--stack <stack>", "stack name (reads Pulumi.<stack>.yaml and its inventory)")
    .option("--wave <name...>", "only these waves (default: the stack's selection)")
    .option("--sample <n>", "only n mailboxes, spread evenly over the waves", positiveInteger("--sample"))
    .option("--messages <n>", "messages seeded per source mailbox", positiveInteger("--messages"), 3)
    .addOption(formatOption(["text", "json", "junit"]))
    .option("--out <file>", "write the report to this file instead of stdout")
    .option(
      "--lifecycle",
      'rehearse the whole wave lifecycle: copy, new source mail, delta and final copy (backup -R -s ""), cut-over, canaries and target mail, late source mail, sync -1 -R -s <state> twice; proves each message exactly once',
    )
    .option(
      "--incident-drill",
      "rehearse the incident runbook per wave: cross up to 3 pairs of mailboxes on purpose, copy, deliver mail after cut-over, then audit, contain, clean, re-migrate, verify, un-contain; exit 0 only when every crossed mailbox was found, exactly the foreign mail removed and nothing lost",
    )
    .option("--keep", "keep the temporary directory (Dovecot configs, homes, logs) for inspection")
    .option(
      "--inject <fault>",
      "inject a fault (repeatable): wrong-home:<uidA>,<uidB> | swapped-keys:<uidA>,<uidB> | swapped-pair:<uidA>,<uidB> | misrouted-alias:<address>,<uid> | backup-after-cut-over | sync-without-state (with --lifecycle)",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .action(async (opts: RehearseOptions) => {
      const { rehearseCommand } = await implementation(import("../commands/rehearse.js"));
      process.exitCode = await rehearseCommand(opts);
    });
}
