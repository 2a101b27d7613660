// `oxmig status --stack S [--wave W…]`: each wave's Indexed Job as the Kubernetes API reports it, read
// with the user's kubeconfig (io/kube-jobs.ts), in what a person follows: done, running, failed and
// left, the failed ones named as people (core/source-ownership.ts labels from the exports, by the
// bindings of the plan). Index i is pair i of the wave's table; indexes are named as mailboxes only
// when the Job's pairing digest says it was made from the plan's current table. Read-only: GET only.
// Exit 0 when nothing failed, 1 when a mailbox or a Job failed or the API could not be read, 2 on bad input.
import { UsageError } from "@oxmig/core/errors";
import { jobName, waveFine, waveProgress, type WaveProgress } from "@oxmig/core/job-progress";
import type { Binding, Inventory } from "@oxmig/core/model";
import { pairingsByWave } from "@oxmig/core/pairings";
import { personLabel, sourceEvidence, sourceLabel, type SourceEvidence } from "@oxmig/core/source-ownership";
import { readInventory } from "../../io/inventory";
import { KubeApiError, kubeJobReader, type JobReader, type KubeOptions } from "../../io/kube-jobs";
import { selectedBindings, stackSelection } from "../../io/stack-selection";
import { writeOutFile } from "../out-file";

export interface StatusCommandOptions extends KubeOptions {
  readonly stack: string;
  readonly wave?: readonly string[];
  readonly format?: "text" | "json";
  readonly out?: string;
  /** Directory holding Pulumi.yaml and Pulumi.<stack>.yaml (default: the working directory). */
  readonly cwd?: string;
  readonly stdout?: { write(text: string): unknown };
  readonly stderr?: { write(text: string): unknown };
}

/** A failed index as a person reads it. */
export interface FailedMailbox {
  readonly index: number;
  readonly mailboxId?: string;
  /** "Maria Müller <maria.mueller@…> (mmueller, fa-luebeck, id …), Exchange mailbox …" or the index alone. */
  readonly label: string;
  readonly sourceLogin?: string;
  readonly targetLogin?: string;
  readonly owner?: { readonly uid: string; readonly displayName: string; readonly organisation: string };
}

export interface WaveStatus extends WaveProgress {
  readonly failedMailboxes: readonly FailedMailbox[];
}

export interface StatusReport {
  readonly stack: string;
  readonly namespace: string;
  readonly server: string;
  readonly ok: boolean;
  readonly waves: readonly WaveStatus[];
}

/** Whose mailbox a binding is, people first: the owner by the exports, the source address, the organisation. */
function labelOf(b: Binding, evidence: SourceEvidence): string {
  const source = evidence.sourceByGuid.get(b.source.exchangeGuid);
  const owner = b.owner ? evidence.personById.get(b.owner.immutableId) : undefined;
  const who = source
    ? sourceLabel(evidence, source)
    : owner
      ? `${personLabel(owner)}, Exchange mailbox ${b.source.address.display}`
      : `${b.displayName} <${b.source.address.display}>`;
  return `${who} → target login ${b.dovecotLogin}`;
}

function failedMailboxes(progress: WaveProgress, bindings: readonly Binding[], evidence: SourceEvidence): FailedMailbox[] {
  return progress.failed.map((index) => {
    const b = progress.tableMatches ? bindings[index] : undefined;
    if (!b) return { index, label: `index ${index} (the Job's table is not the plan's: look it up in the Job's own ConfigMap)` };
    return {
      index,
      mailboxId: b.mailboxId,
      label: labelOf(b, evidence),
      sourceLogin: b.source.login,
      targetLogin: b.dovecotLogin,
      ...(b.owner ? { owner: { uid: b.owner.uid, displayName: b.owner.displayName, organisation: b.owner.ou } } : {}),
    };
  });
}

function waveText(w: WaveStatus): string[] {
  const head = `wave ${w.wave} (${w.phase})`;
  if (w.phase === "done") return [`${head}: done, no Job`, ...w.problems.map((p) => `  problem: ${p}`)];
  if (!w.found) return [`${head}: no Job ${w.job} in the cluster yet (not deployed, or deleted): ${w.total} of ${w.total} left`];
  const conditions = w.conditions.length ? ` [${w.conditions.map((c) => `${c.type}${c.reason ? `: ${c.reason}` : ""}`).join(", ")}]` : "";
  return [
    `${head}, Job ${w.job}: ${w.done.length} done, ${w.running} running, ${w.failed.length} failed, ${w.left} left of ${w.total}${conditions}`,
    ...w.failedMailboxes.map((f) => `  FAILED index ${f.index}: ${f.label}`),
    ...w.problems.map((p) => `  problem: ${p}`),
  ];
}

export function formatStatus(report: StatusReport, format: "text" | "json"): string {
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  const failed = report.waves.reduce((n, w) => n + w.failed.length, 0);
  return [
    `Migration status of stack ${report.stack} (namespace ${report.namespace}, ${report.server}):`,
    ...report.waves.flatMap(waveText),
    report.ok
      ? "OK: nothing failed"
      : `FAILED: ${failed} mailbox(es) failed${report.waves.some((w) => w.problems.length || w.conditions.some((c) => c.type === "Failed")) ? ", or a Job failed or cannot be read" : ""}`,
    "",
  ].join("\n");
}

/** Reads every selected wave's Job and builds the report. */
export async function readStatus(
  stack: string,
  namespace: string,
  inventory: Inventory,
  bindings: readonly Binding[],
  reader: JobReader,
): Promise<StatusReport> {
  const evidence = sourceEvidence(inventory.people, inventory.sources);
  const pairs = pairingsByWave(bindings);
  const selected = new Set(bindings.map((b) => b.wave));
  const waves: WaveStatus[] = [];
  for (const wave of inventory.plan.waves.filter((w) => selected.has(w.name))) {
    const own = bindings.filter((b) => b.wave === wave.name);
    const progress = waveProgress({
      wave: wave.name,
      phase: wave.phase,
      pairings: pairs.get(wave.name) ?? [],
      job: await reader.readJob(namespace, jobName(wave.name)),
    });
    waves.push({ ...progress, failedMailboxes: failedMailboxes(progress, own, evidence) });
  }
  return { stack, namespace, server: reader.server, ok: waves.every(waveFine), waves };
}

/** Returns 0 when nothing failed, 1 otherwise; bad input throws (exit 2). */
export async function statusCommand(opts: StatusCommandOptions, makeReader: (o: KubeOptions) => JobReader = kubeJobReader): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const selection = stackSelection(opts.stack, opts.cwd);
  const inventory = readInventory(selection.inventoryDir);
  const bindings = selectedBindings(selection, inventory, opts.wave ? { waves: opts.wave } : {});
  if (bindings.length === 0) throw new UsageError(`stack ${opts.stack} selects no mailboxes`);
  const namespace = selection.config.values["namespace"] || "oxmig";
  const reader = makeReader({ ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) });
  let report: StatusReport;
  try {
    report = await readStatus(opts.stack, namespace, inventory, bindings, reader);
  } catch (err) {
    if (!(err instanceof KubeApiError)) throw err;
    (opts.stderr ?? process.stderr).write(`oxmig status: ${err.message}\n`);
    return 1;
  }
  const text = formatStatus(report, opts.format ?? "text");
  if (opts.out) {
    writeOutFile(opts.out, text);
    stdout.write(`${report.ok ? "OK" : "FAILED"}: status written to ${opts.out}\n`);
  } else stdout.write(text);
  return report.ok ? 0 : 1;
}
