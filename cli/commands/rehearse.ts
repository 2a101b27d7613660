// `oxmig rehearse`: the stack's bindings on two private Dovecots (source seeded from exchange.csv,
// target configured like the OX backend), migrated wave by wave as the Jobs would, then verified.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { sourceEvidence } from "@oxmig/core/source-ownership";
import { UsageError } from "@oxmig/core/errors";
import type { Binding } from "@oxmig/core/model";
import { readInventory } from "../../io/inventory";
import { selectedBindings, stackSelection } from "../../io/stack-selection";
import type { DovecotInstance } from "../../rehearsal/dovecot/dovecot-instance";
import { drillPassed, runIncidentDrill, type DrillInput } from "../../rehearsal/incident/drill";
import { SWAPS_PER_WAVE } from "../../rehearsal/incident/injection";
import { drillSummary, formatDrill } from "../../rehearsal/incident/report";
import { faultBindings, isLifecycleFault, parseFault, type Fault } from "../../rehearsal/migration/faults";
import { runLifecycleRehearsal, TARGET_MAIL_PER_MAILBOX, type LifecycleRunResult } from "../../rehearsal/lifecycle/run";
import { requireDovecot } from "../../rehearsal/dovecot/prerequisites";
import { phaseProgress, type ProgressStream } from "../../rehearsal/report/progress";
import { buildReport, reportPassed, type RunReport } from "../../rehearsal/report/run-report";
import { formatReport, type ReportFormat } from "../../rehearsal/report/format";
import { mkdtempOwned } from "../../rehearsal/dovecot/run-as";
import { sampleBindings } from "../../rehearsal/migration/sample";
import { cleanUpOnSignals } from "../../rehearsal/dovecot/signals";
import { writeOutFile } from "../out-file";
import { runStackRehearsal } from "../../rehearsal/stack-run";

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
  /** Rehearse the incident runbook instead (rehearsal/incident/drill.ts): crossed pairings on purpose, then audit, contain, clean, re-migrate, verify, un-contain. */
  readonly incidentDrill?: boolean;
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
  if (opts.incidentDrill && (opts.lifecycle || faults.length || opts.format === "junit"))
    throw new UsageError("--incident-drill injects its own mistake and reports as text or json: it takes neither --lifecycle, --inject nor --format junit");
  const selection = stackSelection(opts.stack, opts.cwd);
  const inventory = readInventory(selection.inventoryDir);
  const root = mkdtempOwned("oxmig-rehearsal-");
  const started: DovecotInstance[] = [];
  const cleanUp = async () => {
    await Promise.all(started.map((d) => d.stop()));
    if (!opts.keep) rmSync(root, { recursive: true, force: true });
  };
  const releaseSignals = cleanUpOnSignals(cleanUp);
  try {
    const all = selectedBindings(selection, inventory, { ...(opts.wave ? { waves: opts.wave } : {}), mailRoot: join(root, "target", "vmail") });
    if (all.length === 0) throw new UsageError(`stack ${opts.stack} selects no mailboxes${opts.wave ? ` in wave(s) ${opts.wave.join(", ")}` : ""}`);
    const bindings = chooseBindings(all, faults, opts.sample);
    const run = {
      bindings,
      root,
      evidence: sourceEvidence(inventory.people, inventory.sources),
      faults,
      messagesPerMailbox: opts.messages ?? 3,
      progress: phaseProgress(stderr),
      onStarted: (d: DovecotInstance) => started.push(d),
    };
    if (opts.incidentDrill) {
      const code = await incidentDrill(opts, run, stdout);
      if (opts.keep) stderr.write(`kept ${root} (it holds this run's throwaway key and master passwords; remove it when done)\n`);
      return code;
    }
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

/** The incident runbook rehearsed; 0 only when every crossed mailbox was found, exactly its foreign mail removed, and nothing lost. */
async function incidentDrill(opts: RehearseOptions, run: DrillInput, stdout: ProgressStream): Promise<number> {
  const result = await runIncidentDrill(run);
  const waves = new Set(run.bindings.map((b) => b.wave)).size;
  const title = `Incident drill of stack ${opts.stack}: ${run.bindings.length} mailboxes in ${waves} wave(s), ${run.messagesPerMailbox} message(s) seeded per source, up to ${SWAPS_PER_WAVE} swapped pairs per wave`;
  const text = formatDrill(title, result, opts.format === "json" ? "json" : "text");
  if (opts.out) {
    writeOutFile(opts.out, text);
    stdout.write(drillSummary(result));
  } else stdout.write(text);
  return drillPassed(result) ? 0 : 1;
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
