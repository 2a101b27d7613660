// A wave's progress as its Indexed Job reports it, in what a person follows: which indexes are done,
// running, failed and left. Read from the Job object the Kubernetes API returns (status contract of
// batch/v1: `completedIndexes` and `failedIndexes` as interval strings such as "1,3-5", `active`,
// `conditions` of type Complete/Failed/FailureTarget/SuccessCriteriaMet/Suspended). Index i is pair i
// of the table the Job was made from; the Job's pairing digest tells whether that is the table the
// plan gives now, and only then are indexes named as mailboxes.
import { createHash } from "node:crypto";
import type { Pairing } from "./contract";
import { parseIndexIntervals } from "./indexed-job";
import type { WavePhase } from "./model";

/** The Job annotation holding pairingDigest of the table the Job was made from. */
export const PAIRING_DIGEST_ANNOTATION = "oxmig.example/pairing-digest";

/** Digest of a pairing table in index order: mailbox id, source and target of each pair. */
export function pairingDigest(pairings: readonly Pairing[]): string {
  const rows = pairings.map((p) => [p.mailboxId, p.sourceLogin.toLowerCase(), p.targetLogin.toLowerCase()]);
  return createHash("sha256").update(JSON.stringify(rows)).digest("hex").slice(0, 32);
}

export interface JobCondition {
  readonly type: string;
  readonly reason?: string;
  readonly message?: string;
}

export interface WaveProgress {
  readonly wave: string;
  readonly phase: WavePhase;
  /** `migrate-<wave>`; undefined in phase done (no Job is declared). */
  readonly job?: string;
  /** Whether the Job exists in the cluster. */
  readonly found: boolean;
  readonly total: number;
  readonly done: readonly number[];
  readonly failed: readonly number[];
  /** Pods running now (`status.active`); which indexes they run is not in the Job's status. */
  readonly running: number;
  /** Indexes neither done nor failed (running ones included). */
  readonly left: number;
  /** Conditions that are True (Complete, Failed with its reason, Suspended …). */
  readonly conditions: readonly JobCondition[];
  /** True when index i is pair i of the plan's current table (digest and size agree). */
  readonly tableMatches: boolean;
  /** Why the status cannot be read as it is, each a reason not to call the wave fine. */
  readonly problems: readonly string[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const count = (v: unknown): number => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : 0);

export const jobName = (wave: string): string => `migrate-${wave}`;

export interface ProgressInput {
  readonly wave: string;
  readonly phase: WavePhase;
  /** The wave's pairs as the plan gives them now, in table order. */
  readonly pairings: readonly Pairing[];
  /** The Job object from the API; undefined when the cluster has none of that name. */
  readonly job: unknown;
}

export function waveProgress(input: ProgressInput): WaveProgress {
  const total = input.pairings.length;
  const base = { wave: input.wave, phase: input.phase, total, done: [], failed: [], running: 0, conditions: [] };
  if (input.phase === "done")
    return {
      ...base,
      found: input.job !== undefined,
      left: 0,
      tableMatches: true,
      problems: input.job !== undefined ? [`${jobName(input.wave)} is still in the cluster although the wave is done; delete it`] : [],
    };
  const job = jobName(input.wave);
  if (input.job === undefined) return { ...base, job, found: false, left: total, tableMatches: true, problems: [] };
  const j = obj(input.job) ?? {};
  const spec = obj(j.spec) ?? {};
  const status = obj(j.status) ?? {};
  const problems: string[] = [];
  const completions = count(spec.completions);
  const digest = str(obj(obj(j.metadata)?.annotations)?.[PAIRING_DIGEST_ANNOTATION]);
  const tableMatches = spec.completionMode === "Indexed" && completions === total && digest === pairingDigest(input.pairings);
  if (spec.completionMode !== "Indexed") problems.push(`${job} is not an Indexed Job (made before per-mailbox Jobs?); its progress cannot be told per mailbox`);
  else if (!tableMatches)
    problems.push(
      `${job} was made from another pairing table (${completions} indexes, digest ${digest ?? "none"}) than the plan's (${total} pairs): indexes are not named as mailboxes; run pulumi up to replace it`,
    );
  const read = (field: string) => {
    const indexes = parseIndexIntervals(str(status[field]), Math.max(completions, 1));
    if (indexes === undefined) problems.push(`${job} status.${field} ${JSON.stringify(status[field])} is not a list of indexes below ${completions}`);
    return indexes ?? [];
  };
  const done = read("completedIndexes");
  const failed = read("failedIndexes");
  const conditions = (Array.isArray(status.conditions) ? status.conditions : [])
    .map(obj)
    .filter((c): c is Obj => c !== undefined && c.status === "True" && typeof c.type === "string")
    .map((c) => ({ type: c.type as string, ...(str(c.reason) ? { reason: str(c.reason)! } : {}), ...(str(c.message) ? { message: str(c.message)! } : {}) }));
  const width = tableMatches ? total : completions;
  return {
    ...base,
    job,
    found: true,
    total: width,
    done,
    failed,
    running: count(status.active),
    left: Math.max(0, width - done.length - failed.length),
    conditions,
    tableMatches,
    problems,
  };
}

/** Nothing failed and nothing unreadable: failed indexes, a Failed Job or a problem make the wave not fine. */
export function waveFine(progress: WaveProgress): boolean {
  return progress.failed.length === 0 && progress.problems.length === 0 && !progress.conditions.some((c) => c.type === "Failed" || c.type === "FailureTarget");
}
