// `oxmig rehearse`: the stack's bindings on two private Dovecots (source seeded from exchange.csv,
// target configured like the OX backend), migrated wave by wave as the Jobs would, then verified.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { resolveBindings } from "../../core/bindings";
import { sourceEvidence } from "../../core/source-ownership";
import { UsageError } from "../../core/errors";
import type { Binding, Inventory } from "../../core/model";
import { readInventory } from "../../io/inventory";
import { stackSelection } from "../../io/stack-selection";
import type { DovecotInstance } from "../../rehearsal/dovecot-instance";
import { faultBindings, isLifecycleFault, parseFault, type Fault } from "../../rehearsal/faults";
import { runLifecycleRehearsal, TARGET_MAIL_PER_MAILBOX, type LifecycleRunResult } from "../../rehearsal/lifecycle-run";
import { requireDovecot } from "../../rehearsal/prerequisites";
import { phaseProgress, type ProgressStream } from "../../rehearsal/progress";
import { buildReport, reportPassed, type RunReport } from "../../rehearsal/report";
import { formatReport, type ReportFormat } from "../../rehearsal/report-format";
import { mkdtempOwned } from "../../rehearsal/run-as";
import { sampleBindings } from "../../rehearsal/sample";
import { cleanUpOnSignals } from "../../rehearsal/signals";
import { writeOutFile } from "../out-file";
import { runStackRehearsal } from "../../rehearsal/stack-run";
import { formatOption } from "../options";

export interface RehearseOptions {
  readonly stack: string;
  readonly wave?: readonly string[];
  readonly sample?: number;
  /** Messages seeded per source mailbox (default 3). */
  readonly messages?: number;
  readonly format?: ReportFormat;
  readonly out?: string;
  readonly keep?: boolean;
  readonly inject?: readonly string[];
  /** Run the whole wave lifecycle (copies, cut-over, canaries, target mail, syncs) instead of one copy. */
  readonly lifecycle?: boolean;
  /** Directory holding Pulumi.yaml and Pulumi.<stack>.yaml (default: the working directory). */
  readonly cwd?: string;
  readonly stdout?: ProgressStream;
  readonly stderr?: ProgressStream;
}

/** Runs a rehearsal and returns the exit code: 0 passed, 1 any mismatch; bad input throws (exit 2). */
export async function rehearseCommand(opts: RehearseOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  requireDovecot();
  const faults = (opts.inject ?? []).map(parseFault);
  const lifecycleFault = faults.find(isLifecycleFault);
  if (lifecycleFault && !opts.lifecycle) throw new UsageError(`--inject ${lifecycleFault.kind} needs --lifecycle (it changes the runs after cut-over)`);
  const selection = stackSelection(opts.stack, opts.cwd);
  const inventory = readInventory(selection.inventoryDir);
  requireKnownWaves(inventory, opts.wave);
  const root = mkdtempOwned("oxmig-rehearsal-");
  const started: DovecotInstance[] = [];
  const cleanUp = async () => {
    await Promise.all(started.map((d) => d.stop()));
    if (!opts.keep) rmSync(root, { recursive: true, force: true });
  };
  const releaseSignals = cleanUpOnSignals(cleanUp);
  try {
    const all = resolveBindings(inventory, { ...selection.resolve, ...(opts.wave ? { waves: opts.wave } : {}), mailRoot: join(root, "target", "vmail") });
    if (all.length === 0) throw new UsageError(`stack ${opts.stack} selects no mailboxes${opts.wave ? ` in wave(s) ${opts.wave.join(", ")}` : ""}`);
    const bindings = chooseBindings(all, faults, opts.sample);
    const run = { bindings, root, evidence: sourceEvidence(inventory.people, inventory.sources), faults, messagesPerMailbox: opts.messages ?? 3, progress: phaseProgress(stderr), onStarted: (d: DovecotInstance) => started.push(d) };
    const result = opts.lifecycle ? await runLifecycleRehearsal(run) : await runStackRehearsal(run);
    const notes = "counts" in result ? lifecycleNotes(result as LifecycleRunResult, bindings.length) : [];
    const report = buildReport({ title: title(opts, bindings, all, faults), bindings, ...result, notes });
    writeReport(report, opts, stdout);
    if (opts.keep) stderr.write(`kept ${root} (it holds this run's throwaway key and master passwords; remove it when done)\n`);
    return reportPassed(report) ? 0 : 1;
  } finally {
    await cleanUp(); // signals stay handled meanwhile: a SIGHUP now must not cut the clean-up short
    releaseSignals();
  }
}

export function requireKnownWaves(inventory: Inventory, waves: readonly string[] | undefined): void {
  const known = inventory.plan.waves.map((w) => w.name);
  const unknown = (waves ?? []).filter((w) => !known.includes(w));
  if (unknown.length) throw new UsageError(`unknown wave(s) ${unknown.join(", ")} in ${inventory.files.plan}; waves there: ${known.join(", ")}`);
}

/** The sample (if any), always keeping the mailboxes the faults name. */
function chooseBindings(all: readonly Binding[], faults: readonly Fault[], sample: number | undefined): Binding[] {
  const named = new Set(faults.flatMap((f) => faultBindings(all, f).map((b) => b.mailboxId)));
  return sample === undefined ? [...all] : sampleBindings(all, sample, named);
}

/** The totals the lifecycle must keep at zero, and what the target should hold at the end. */
function lifecycleNotes(result: LifecycleRunResult, mailboxes: number): string[] {
  const { lost, duplicated, targetOnlyLost, foreign } = result.counts;
  const expected = mailboxes * (result.perSource + TARGET_MAIL_PER_MAILBOX);
  const final = result.timings.at(-1)?.messages;
  return [
    `messages: lost ${lost}, duplicated ${duplicated}, target-only lost ${targetOnlyLost}, foreign ${foreign}`,
    `target holds ${final ?? "?"} messages; expected ${expected} (${result.perSource} source + ${TARGET_MAIL_PER_MAILBOX} target-only per mailbox)`,
  ];
}

function title(opts: RehearseOptions, bindings: readonly Binding[], all: readonly Binding[], faults: readonly Fault[]): string {
  const waves = new Set(bindings.map((b) => b.wave)).size;
  const scope = bindings.length === all.length ? `${all.length} mailboxes` : `${bindings.length} of ${all.length} mailboxes (sample)`;
  const injected = faults.length ? `, injected: ${faults.map((f) => (f.args.length ? `${f.kind}:${f.args.join(",")}` : f.kind)).join(" ")}` : "";
  const kind = opts.lifecycle ? "Lifecycle rehearsal" : "Rehearsal";
  return `${kind} of stack ${opts.stack}: ${scope} in ${waves} wave(s), ${opts.messages ?? 3} message(s) each${injected}`;
}

function writeReport(report: RunReport, opts: RehearseOptions, stdout: ProgressStream): void {
  const text = formatReport(report, opts.format ?? "text");
  if (!opts.out) {
    stdout.write(text);
    return;
  }
  writeOutFile(opts.out, text);
  stdout.write(`${reportPassed(report) ? "PASSED" : "FAILED"}: report written to ${opts.out}\n`);
}

function positiveInteger(name: string) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got "${raw}".`);
    return value;
  };
}

export function registerRehearse(program: Command): void {
  program
    .command("rehearse")
    .description("dress rehearsal on two private Dovecots: seed a source from exchange.csv, migrate the stack's pairings with doveadm backup -R into a mail_crypt target configured from the bindings, verify (canaries, fingerprints, encryption, own keys)")
    .requiredOption("--stack <stack>", "stack name (reads Pulumi.<stack>.yaml and its inventory)")
    .option("--wave <name...>", "only these waves (default: the stack's selection)")
    .option("--sample <n>", "only n mailboxes, spread evenly over the waves", positiveInteger("--sample"))
    .option("--messages <n>", "messages seeded per source mailbox", positiveInteger("--messages"), 3)
    .addOption(formatOption(["text", "json", "junit"]))
    .option("--out <file>", "write the report to this file instead of stdout")
    .option("--lifecycle", "rehearse the whole wave lifecycle: copy, new source mail, delta and final copy (backup -R -s \"\"), cut-over, canaries and target mail, late source mail, sync -1 -R -s <state> twice; proves each message exactly once")
    .option("--keep", "keep the temporary directory (Dovecot configs, homes, logs) for inspection")
    .option("--inject <fault>", "inject a fault (repeatable): wrong-home:<uidA>,<uidB> | swapped-keys:<uidA>,<uidB> | swapped-pair:<uidA>,<uidB> | misrouted-alias:<address>,<uid> | backup-after-cut-over | sync-without-state (with --lifecycle)", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .action(async (opts: RehearseOptions) => {
      process.exitCode = await rehearseCommand(opts);
    });
}
