// The incident drill (`oxmig rehearse --incident-drill`): the runbook of docs/incident.md rehearsed on two
// private Dovecots, wave by wave, with the stack's own code at every step. Per wave: seed the sources;
// cross the sources of up to three pairs of mailboxes on purpose (incident-injection.ts: what a swapped
// plan does when the gate is bypassed); copy with the Job's script; deliver new mail to every target
// after cut-over; late source mail and a cut-over sync with the same wrong pairing (the Job goes on).
// Then the runbook: audit (audit/run-audit.ts), contain (core/containment.ts deny list; own login refused,
// master access and delivery kept), clean (audit/clean.ts with its log), re-migrate the re-paired
// mailboxes by importing what they lack (incident-remigrate.ts) while the Job syncs the rest, verify
// (audit again, every expected Message-ID exactly once), un-contain. incident-proof.ts judges each step.
import type { AuditRun } from "../../audit/run-audit";
import type { CleanPlanEntry } from "../../audit/clean";
import type { Binding } from "@oxmig/core/model";
import type { SourceEvidence } from "@oxmig/core/source-ownership";
import type { DovecotInstance } from "../dovecot/dovecot-instance";
import { drillPasswords, renderPasswords } from "./containment";
import { chooseSwaps, misbindingsOf } from "./injection";
import type { TargetCount } from "./proof";
import { drillWave, type WaveContext, type WavePlan } from "./wave";
import { renderRunInputs } from "../migration/inputs";
import { newRunSecret } from "../migration/keys";
import { startRehearsal, type Rehearsal } from "../rehearse";
import type { PhaseProgress } from "../stack-run";

/** Test hooks only (no CLI flag reaches them): they bend what the drill acts on, to prove it notices. */
export interface DrillHooks {
  /** Changes the audit's findings before the drill acts on them (e.g. a missed mailbox). */
  readonly afterAudit?: (run: AuditRun) => AuditRun;
  /** Changes the clean plan before it is applied (e.g. one foreign message left). */
  readonly cleanPlan?: (plan: readonly CleanPlanEntry[]) => CleanPlanEntry[];
}

export interface DrillInput {
  /** The selected mailboxes, resolved with mailRoot `<root>/target/vmail`. */
  readonly bindings: readonly Binding[];
  readonly root: string;
  readonly evidence: SourceEvidence;
  /** Seeded per source before the copy; two more follow (one before each cut-over sync). */
  readonly messagesPerMailbox: number;
  readonly progress?: PhaseProgress;
  readonly onStarted?: (instance: DovecotInstance) => void;
  readonly hooks?: DrillHooks;
}

/** One crossed mailbox, people first: whose it is, whose mail it got, and what each step did about it. */
export interface AffectedMailbox {
  readonly login: string;
  readonly reader: string;
  /** Whose mail was crossed into it (the source's owner by the exports). */
  readonly crossedIn: string;
  readonly found: boolean;
  /** Messages of that source the audit counted in it. */
  readonly foundMessages: number;
  readonly contained: boolean;
  readonly foreignExpected: number;
  readonly removed: number;
  readonly final: TargetCount;
}

export interface DrillCounts {
  readonly mailboxes: number;
  readonly affected: number;
  readonly found: number;
  readonly foreignExpected: number;
  readonly foreignRemoved: number;
  /** Messages the re-migration imported, and the second import after later source mail. */
  readonly reimported: number;
  readonly lateReimported: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly foreignLeft: number;
  readonly seeded: number;
  readonly delivered: number;
  readonly messagesAtEnd: number;
}

export interface StepTiming {
  readonly step: string;
  readonly ms: number;
}

export interface WaveDrill {
  readonly wave: string;
  readonly affected: readonly AffectedMailbox[];
  /** Every failed check, naming the people; empty when the wave passed. */
  readonly problems: readonly string[];
  readonly counts: DrillCounts;
  readonly steps: readonly StepTiming[];
}

export interface DrillResult {
  readonly waves: readonly WaveDrill[];
  readonly totals: DrillCounts;
  readonly ms: number;
}

const silent: PhaseProgress = { start: () => undefined, tick: () => undefined, end: () => undefined };

export const ZERO_COUNTS: DrillCounts = {
  mailboxes: 0,
  affected: 0,
  found: 0,
  foreignExpected: 0,
  foreignRemoved: 0,
  reimported: 0,
  lateReimported: 0,
  lost: 0,
  duplicated: 0,
  foreignLeft: 0,
  seeded: 0,
  delivered: 0,
  messagesAtEnd: 0,
};

export function addCounts(a: DrillCounts, b: DrillCounts): DrillCounts {
  return Object.fromEntries(Object.keys(a).map((k) => [k, a[k as keyof DrillCounts] + b[k as keyof DrillCounts]])) as unknown as DrillCounts;
}

function planWaves(bindings: readonly Binding[]): WavePlan[] {
  const byWave = new Map<string, Binding[]>();
  for (const b of bindings) {
    const wave = byWave.get(b.wave);
    if (wave) wave.push(b);
    else byWave.set(b.wave, [b]);
  }
  return [...byWave].map(([name, wave]) => {
    const swaps = chooseSwaps(wave);
    const crossed = misbindingsOf(swaps).map((m) => m.target.dovecotLogin);
    const control = wave.find((b) => !crossed.includes(b.dovecotLogin));
    return { name, wave, swaps, probed: [...crossed, ...(control ? [control.dovecotLogin] : [])] };
  });
}

/** Both Dovecots for the whole run (the target with the doveadm HTTP API and a deny passdb), then wave by wave. */
export async function runIncidentDrill(input: DrillInput): Promise<DrillResult> {
  const started = performance.now();
  const progress = input.progress ?? silent;
  const runSecret = newRunSecret();
  const inputs = renderRunInputs(input.bindings, runSecret);
  const plans = planWaves(input.bindings);
  progress.start("provision", input.bindings.length);
  let rehearsal: Rehearsal;
  try {
    rehearsal = await startRehearsal({
      bindings: input.bindings,
      root: input.root,
      runSecret,
      evidence: input.evidence,
      userdbLines: inputs.userdbLines,
      doveadmHttp: true,
      denyPassdb: true,
      ...(input.onStarted ? { onStarted: input.onStarted } : {}),
    });
  } finally {
    progress.end("provision");
  }
  try {
    const passwords = drillPasswords(plans.flatMap((p) => p.probed));
    await rehearsal.target.replaceUserPasswords(renderPasswords(passwords));
    const context: WaveContext = {
      input,
      rehearsal,
      routes: inputs.routes,
      passwords,
      declaredLogins: new Set(input.bindings.map((b) => b.dovecotLogin)),
      progress,
    };
    const waves: WaveDrill[] = [];
    for (const plan of plans) waves.push(await drillWave(context, plan));
    return { waves, totals: waves.reduce((t, w) => addCounts(t, w.counts), ZERO_COUNTS), ms: performance.now() - started };
  } finally {
    await rehearsal.stop();
  }
}

/** Passed: every crossed mailbox found, exactly the foreign mail removed, nothing lost, duplicated or left. */
export function drillPassed(result: DrillResult): boolean {
  const t = result.totals;
  return (
    result.waves.every((w) => w.problems.length === 0) &&
    t.found === t.affected &&
    t.foreignRemoved === t.foreignExpected &&
    t.lost === 0 &&
    t.duplicated === 0 &&
    t.foreignLeft === 0
  );
}
