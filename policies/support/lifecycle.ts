// What each wave declares about its lifecycle, read back from the resources: the phase annotation,
// lifecycle.json, the doveadm runs of migrate.sh itself, the wave's Jobs and their state mounts.
// The lifecycle rules share it; anything unreadable becomes a problem the rules report (fail closed).
import type { ReportViolation } from "@pulumi/policy";
import { K8S, TYPES } from "@oxmig/core/contract";
import { isPhase, LIFECYCLE_DATA_KEY, phaseRank, type Lifecycle } from "@oxmig/core/lifecycle";
import { normaliseUid, type LockEntry } from "@oxmig/core/lock";
import { historyById } from "@oxmig/core/lock-history";
import type { WavePhase } from "@oxmig/core/model";
import { readMigrationScript, type ScriptReading } from "@oxmig/core/script-reader";
import type { PolicyContext } from "../config";
import { mailboxMessage, plainMessage } from "./report";
import { isPairingTable, pairingView, type ResourceLike } from "./resources";
import { at, isUnknown, rawProps, unknownPaths } from "./unknowns";

export interface ClaimMount {
  readonly claimName: string;
  readonly mountPath: string;
  readonly readOnly: boolean;
}

export interface JobView {
  readonly name: string;
  readonly urn: string;
  readonly claimMounts: readonly ClaimMount[];
}

export interface WaveLifecycleView {
  readonly wave: string;
  /** The OX context the wave's label names. */
  readonly context?: string;
  /** Mailbox ids of the wave's pairing table (pairings.json); empty when it cannot be read. */
  readonly mailboxIds: readonly string[];
  /** Why pairings.json cannot be read (unknown at preview, missing, malformed). */
  readonly pairingsProblem?: string;
  readonly urn: string;
  readonly resourceName: string;
  /** The lower of the annotated and declared phase (what could still run). */
  readonly phase?: WavePhase;
  readonly lifecycle?: Lifecycle;
  readonly script?: ScriptReading;
  readonly jobs: readonly JobView[];
  /** Why the wave's lifecycle cannot be checked (missing, unknown, malformed, contradictory). */
  readonly problems: readonly string[];
}

export interface LifecycleStack {
  readonly waves: readonly WaveLifecycleView[];
  /** metadata.name of every PersistentVolumeClaim in the stack. */
  readonly claims: ReadonlySet<string>;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && !isUnknown(v) ? v : undefined);

function parseLifecycle(raw: unknown): { value?: Lifecycle; problem?: string } {
  if (typeof raw !== "string") return { problem: `data["${LIFECYCLE_DATA_KEY}"] is missing` };
  try {
    const value = JSON.parse(raw) as Partial<Lifecycle>;
    if (!value || !isPhase(value.phase) || typeof value.canaries !== "boolean" || typeof value.mode !== "string") {
      return { problem: `data["${LIFECYCLE_DATA_KEY}"] lacks phase, mode or canaries` };
    }
    return { value: value as Lifecycle };
  } catch (err) {
    return { problem: `data["${LIFECYCLE_DATA_KEY}"] is not valid JSON (${(err as Error).message})` };
  }
}

function jobView(r: ResourceLike): JobView {
  const spec = at(rawProps(r.props), "spec", "template", "spec");
  const volumes = (at(spec, "volumes") as unknown[] | undefined) ?? [];
  const claimOf = new Map<string, string>();
  for (const v of volumes) {
    const claim = str(at(v, "persistentVolumeClaim", "claimName"));
    const name = str(at(v, "name"));
    if (claim !== undefined && name !== undefined) claimOf.set(name, claim);
  }
  const containers = (at(spec, "containers") as unknown[] | undefined) ?? [];
  const claimMounts = containers.flatMap((c) =>
    ((at(c, "volumeMounts") as unknown[] | undefined) ?? []).flatMap((m) => {
      const claimName = claimOf.get(str(at(m, "name")) ?? "");
      const mountPath = str(at(m, "mountPath"));
      return claimName !== undefined && mountPath !== undefined ? [{ claimName, mountPath, readOnly: at(m, "readOnly") === true }] : [];
    }),
  );
  return { name: r.name, urn: r.urn, claimMounts };
}

const waveOfJob = (r: ResourceLike): string => str(at(rawProps(r.props), "metadata", "labels", K8S.labelWave)) ?? r.name.replace(/^migrate-/, "");

function waveView(r: ResourceLike, jobsByWave: ReadonlyMap<string, JobView[]>): WaveLifecycleView {
  const props = rawProps(r.props);
  const wave = str(at(props, "metadata", "labels", K8S.labelWave)) ?? r.name.replace(/^pairings-/, "");
  const context = str(at(props, "metadata", "labels", K8S.labelContext));
  const pairings = pairingView(r);
  const mailboxIds = (pairings.pairings ?? []).map((p) => p.mailboxId);
  const pairingsProblem = pairings.problem ?? (pairings.unknown.length ? `${pairings.unknown.join(", ")} unknown at preview` : undefined);
  const jobs = jobsByWave.get(wave) ?? [];
  const problems: string[] = [];
  const unknown = [...unknownPaths(at(props, "data"), "data"), ...unknownPaths(at(props, "metadata", "annotations"), "metadata.annotations")];
  if (unknown.length) problems.push(`${unknown.join(", ")} unknown at preview; the lifecycle must be known`);
  const annotated = at(props, "metadata", "annotations", K8S.annotationPhase);
  if (!isPhase(annotated)) problems.push(`annotation ${K8S.annotationPhase} is ${JSON.stringify(annotated ?? null)}, not a phase`);
  const parsed = parseLifecycle(at(props, "data", LIFECYCLE_DATA_KEY));
  if (parsed.problem) problems.push(parsed.problem);
  const lifecycle = parsed.value;
  if (lifecycle && isPhase(annotated) && lifecycle.phase !== annotated) {
    problems.push(`annotation ${K8S.annotationPhase} says ${annotated} but ${LIFECYCLE_DATA_KEY} says ${lifecycle.phase}`);
  }
  const phases = [lifecycle?.phase, isPhase(annotated) ? annotated : undefined].filter((p) => p !== undefined);
  const phase = phases.sort((a, b) => phaseRank(a) - phaseRank(b))[0];
  const scriptRaw = at(props, "data", "migrate.sh");
  let script: ScriptReading | undefined;
  if (typeof scriptRaw !== "string" || isUnknown(scriptRaw)) problems.push('data["migrate.sh"] is missing');
  else if (phase) script = readMigrationScript(scriptRaw, wave, phase);
  return {
    wave,
    ...(context !== undefined ? { context } : {}),
    mailboxIds,
    ...(pairingsProblem ? { pairingsProblem } : {}),
    urn: r.urn,
    resourceName: r.name,
    ...(phase ? { phase } : {}),
    ...(lifecycle ? { lifecycle } : {}),
    ...(script ? { script } : {}),
    jobs,
    problems,
  };
}

export function lifecycleStack(resources: readonly ResourceLike[]): LifecycleStack {
  const jobs = new Map<string, JobView[]>();
  const claims = new Set<string>();
  for (const r of resources) {
    if (r.type === TYPES.job) jobs.set(waveOfJob(r), [...(jobs.get(waveOfJob(r)) ?? []), jobView(r)]);
    if (r.type === TYPES.persistentVolumeClaim) claims.add(str(at(rawProps(r.props), "metadata", "name")) ?? r.name);
  }
  const waves = resources.filter(isPairingTable).map((r) => waveView(r, jobs));
  return { waves, claims };
}

/** "wave w01 (rule no-backup-after-cut-over): …" — every lifecycle message names the wave and the rule. */
export function waveMessage(rule: string, wave: string, text: string): string {
  return plainMessage(`wave ${wave} (rule ${rule}): ${text}`);
}

/** Reports why a wave cannot be checked; returns false when the rule must skip it. */
export function checkable(rule: string, view: WaveLifecycleView, report: ReportViolation, needsScript = true): boolean {
  for (const p of view.problems) report(waveMessage(rule, view.wave, `cannot check the lifecycle, so the plan is rejected: ${p}`), view.urn);
  if (needsScript) for (const p of view.script?.problems ?? []) report(waveMessage(rule, view.wave, `migrate.sh is not the rendered script: ${p}`), view.urn);
  return view.problems.length === 0 && (!needsScript || (view.script !== undefined && view.script.problems.length === 0));
}

/** The wave's locked phase, when a lock is configured and names the wave. */
export function lockedPhase(ctx: PolicyContext, wave: string): WavePhase | undefined {
  return ctx.lock?.lock.waves[wave]?.phase;
}

/** Every mailbox the lock has on record (active and retired), by mailbox id; empty without a lock. */
export function lockHistory(ctx: PolicyContext): ReadonlyMap<string, LockEntry> {
  const lock = ctx.lock?.lock;
  if (!lock) return new Map();
  let hit = histories.get(lock);
  if (!hit) histories.set(lock, (hit = historyById(lock)));
  return hit;
}
const histories = new WeakMap<object, Map<string, LockEntry>>();

/** The lock's entry for a Dovecot login in a context (logins compared in one spelling). */
export function lockedByLogin(ctx: PolicyContext, context: string | undefined, login: string | undefined): LockEntry | undefined {
  const lock = ctx.lock?.lock;
  if (!lock || context === undefined || login === undefined) return undefined;
  let index = loginIndexes.get(lock);
  if (!index) {
    index = new Map();
    for (const e of lockHistory(ctx).values()) index.set(`${e.context}/${normaliseUid(e.login)}`, e);
    loginIndexes.set(lock, index);
  }
  return index.get(`${context}/${normaliseUid(login)}`);
}
const loginIndexes = new WeakMap<object, Map<string, LockEntry>>();

/** "mailbox <address> (owner <uid>): rule …" for a mailbox the lock records. */
export function lockedMailboxMessage(rule: string, entry: LockEntry, text: string): string {
  return mailboxMessage(entry.addresses[0] ?? entry.mailbox, entry.owner?.uid ?? entry.login, `(rule ${rule}) ${text}`);
}
