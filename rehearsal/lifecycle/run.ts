// The whole wave lifecycle on the private Dovecots, with the doveadm runs core/lifecycle.ts gives each
// phase: userdb check (nothing touched) → seed → copy 1 → new source mail → copy 2 → final copy →
// cut-over → canaries and target mail → late source mail → sync 1 → sync 2 → proof per person.
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Binding } from "@oxmig/core/model";
import { lifecycleOf } from "@oxmig/core/lifecycle";
import { endpointsOf } from "../verification/endpoints";
import { applyFaults, isLifecycleFault } from "../migration/faults";
import { renderRunInputs, keyPasswordsFor, type RunInputs } from "../migration/inputs";
import { keyFingerprint, lookupUserdbHttp } from "../dovecot/doveadm-http";
import { newRunSecret } from "../migration/keys";
import { lifecycleFinding, sumCounts, TARGET_ONLY_HEADER, type LifecycleCounts } from "./check";
import { runPhase, type CutOverMistake } from "./migrate";
import { deliverLmtp, rawMessage } from "../dovecot/lmtp";
import { mapLimited } from "../migration/map-limited";
import { writeImapcConf, type PairResult } from "../migration/migrate";
import { readMailbox } from "../dovecot/imap-read";
import { startRehearsal, type Rehearsal } from "../rehearse";
import { mkdirOwned } from "../dovecot/run-as";
import type { PhaseProgress, PhaseTiming, StackRunInput, StackRunResult } from "../stack-run";
import { verifyCanaries } from "../verification/verify";
import { verifyUserdbAnswers } from "../verification/userdb";
import { expectedFromBindings, expectedFromEvidence, type Finding } from "../verification/types";
import { appendAll } from "@oxmig/core/append";

/** Mail delivered to each target after cut-over (must survive every later run). */
export const TARGET_MAIL_PER_MAILBOX = 2;

export interface LifecycleRunResult extends StackRunResult {
  readonly counts: LifecycleCounts;
  /** Source messages per mailbox after all rounds (seeded + new + late). */
  readonly perSource: number;
}

type Measure = { failed?: number; messages?: number };
type Stepper = <T>(name: string, total: number, work: () => Promise<T>, measure?: (value: T) => Measure) => Promise<T>;

function stepper(progress: PhaseProgress, timings: PhaseTiming[]): Stepper {
  return async (name, total, work, measure) => {
    const started = performance.now();
    progress.start(name, total);
    let value;
    try {
      value = await work();
    } finally {
      progress.end(name);
    }
    timings.push({ phase: name, total, ms: performance.now() - started, ...(measure ? measure(value) : {}) });
    return value;
  };
}

export async function runLifecycleRehearsal(input: StackRunInput): Promise<LifecycleRunResult> {
  const { bindings, progress = { start: () => undefined, tick: () => undefined, end: () => undefined } } = input;
  const runSecret = newRunSecret();
  const faults = input.faults ?? [];
  const inputs = applyFaults(renderRunInputs(bindings, runSecret), bindings, faults);
  const mistake: CutOverMistake = faults.find(isLifecycleFault)?.kind ?? "none";
  const timings: PhaseTiming[] = [];
  const step = stepper(progress, timings);
  const rehearsal = await step("provision", bindings.length, () =>
    startRehearsal({
      bindings,
      root: input.root,
      runSecret,
      evidence: input.evidence,
      userdbLines: inputs.userdbLines,
      doveadmHttp: true,
      ...(input.onStarted ? { onStarted: input.onStarted } : {}),
    }),
  );
  try {
    return await lifecycle({ ...input, rehearsal, inputs, runSecret, mistake, step, timings, progress });
  } finally {
    await rehearsal.stop();
  }
}

interface Context extends StackRunInput {
  readonly rehearsal: Rehearsal;
  readonly inputs: RunInputs;
  readonly runSecret: Buffer;
  readonly mistake: CutOverMistake;
  readonly step: Stepper;
  readonly timings: PhaseTiming[];
  readonly progress: PhaseProgress;
}

async function lifecycle(c: Context): Promise<LifecycleRunResult> {
  const { bindings, rehearsal, step } = c;
  const n = bindings.length;
  const findings: Finding[] = [];
  const pairs: PairResult[] = [];
  const onTarget = () => messagesOnTarget(bindings);
  appendAll(findings, await step("verify userdb (before cut-over)", n, () => userdbFindings(c), failedMailboxes));
  const seed = (name: string, count: number, first: number) =>
    step(
      name,
      n,
      () => rehearsal.seed(count, undefined, first),
      () => ({ messages: onTarget() }),
    );
  const migrateStep = (name: string, phase: "copying" | "cut-over") =>
    step(
      name,
      n,
      () => migrateAll(c, phase),
      (done) => (appendAll(pairs, done), { failed: done.filter((p) => !p.ok).length, messages: onTarget() }),
    );
  await seed("seed", c.messagesPerMailbox, 1);
  await migrateStep("copy 1 (backup -R)", "copying");
  await seed("new source mail", 1, c.messagesPerMailbox + 1);
  await migrateStep("copy 2 (backup -R)", "copying");
  await migrateStep("final copy (backup -R)", "copying");
  if (!lifecycleOf({ name: "rehearsal", phase: "cut-over" }).canaries) throw new Error("canaries are not allowed at cut-over");
  const expected = expectedFromEvidence(bindings, c.evidence);
  appendAll(
    findings,
    await step(
      "canaries (cut-over)",
      n,
      () => verifyCanaries(endpointsOf(rehearsal.target), expected, { routes: c.inputs.routes, onMailbox: () => c.progress.tick() }),
      (f) => ({ ...failedMailboxes(f), messages: onTarget() }),
    ),
  );
  const targetOnly = await step(
    "mail to target",
    n,
    () => deliverTargetMail(c),
    (t) => ({ failed: t.refused, messages: onTarget() }),
  );
  await seed("late source mail", 1, c.messagesPerMailbox + 2);
  await migrateStep("sync 1 (sync -1 -R -s)", "cut-over");
  await migrateStep("sync 2 (sync -1 -R -s)", "cut-over");
  const perSource = c.messagesPerMailbox + 2;
  const checked = await step(
    "proof per person",
    n,
    async () => {
      const reads = await mapLimited(expected, 4, async (mailbox) => ({ mailbox, content: await readMailbox(endpointsOf(rehearsal.target), mailbox.login) }));
      return reads.map((r) => lifecycleFinding(r, reads, { perSource, targetOnly: targetOnly.tokens }));
    },
    (results) => ({ failed: results.filter((r) => !r.finding.ok).length, messages: onTarget() }),
  );
  appendAll(
    findings,
    checked.map((r) => r.finding),
  );
  return { timings: c.timings, pairs, findings, counts: sumCounts(checked.map((r) => r.counts)), perSource };
}

function failedMailboxes(findings: readonly Finding[]): Measure {
  return { failed: new Set(findings.filter((f) => !f.ok).map((f) => f.mailboxId)).size };
}

/** Before any mailbox is touched: each login's home and key as the running userdb gives them, over the doveadm HTTP API. */
async function userdbFindings(c: Context): Promise<Finding[]> {
  const endpoint = c.rehearsal.target.doveadmHttp;
  if (!endpoint) throw new Error("the rehearsal target has no doveadm HTTP API");
  const nonce = randomBytes(32);
  const expected = expectedFromBindings(c.bindings);
  const answers = await lookupUserdbHttp(
    endpoint,
    expected.map((m) => m.login),
    nonce,
  );
  const keys = new Map([...keyPasswordsFor(c.bindings, c.runSecret)].map(([id, password]) => [id, keyFingerprint(nonce, password)]));
  return verifyUserdbAnswers(expected, answers, keys);
}

/** Each wave's pairings, wave by wave, as that wave's Job would run them in this phase. */
async function migrateAll(c: Context, phase: "copying" | "cut-over"): Promise<PairResult[]> {
  const { source, target } = c.rehearsal;
  const stateDir = join(c.root, "state");
  mkdirOwned(stateDir);
  const doveadmConf = writeImapcConf(source, target);
  const done: PairResult[] = [];
  for (const [, pairings] of c.inputs.pairings) {
    appendAll(done, await runPhase({ phase, pairings, doveadmConf, stateDir, mistake: c.mistake, onPair: () => c.progress.tick() }));
  }
  return done;
}

/** New mail routed to the target after cut-over; it must survive every later doveadm run. */
async function deliverTargetMail(c: Context): Promise<{ tokens: Map<string, string[]>; refused: number }> {
  const run = randomBytes(6).toString("hex");
  const planned = c.bindings.flatMap((b) =>
    Array.from({ length: TARGET_MAIL_PER_MAILBOX }, (_, i) => ({ b, token: `oxmig-target-${run}-${b.mailboxId}-${i + 1}` })),
  );
  const outcomes = await deliverLmtp(
    endpointsOf(c.rehearsal.target).lmtp,
    planned.map(({ b, token }) => ({
      recipient: c.inputs.routes.get(b.primaryAddress.normalised) ?? b.dovecotLogin,
      raw: rawMessage(
        { To: b.primaryAddress.display, Subject: `After cut-over ${token}`, "Message-ID": `<${token}@target.oxmig.example>`, [TARGET_ONLY_HEADER]: token },
        `Delivered to the target after cut-over: ${token}\n`,
      ),
    })),
    4,
  );
  const tokens = new Map<string, string[]>();
  for (const { b, token } of planned) tokens.set(b.mailboxId, [...(tokens.get(b.mailboxId) ?? []), token]);
  return { tokens, refused: outcomes.filter((o) => !o.ok).length };
}

/** Message files in every maildir folder under the target homes: counted on disk, no mailbox opened. */
export function messagesOnTarget(bindings: readonly Binding[]): number {
  const files = (dir: string) => {
    try {
      return readdirSync(dir).length;
    } catch {
      return 0;
    }
  };
  const folders = (maildir: string) => {
    try {
      return ["", ...readdirSync(maildir).filter((f) => f.startsWith("."))];
    } catch {
      return [];
    }
  };
  return bindings.reduce((total, b) => {
    const maildir = join(b.home, "Maildir");
    return total + folders(maildir).reduce((n, f) => n + files(join(maildir, f, "cur")) + files(join(maildir, f, "new")), 0);
  }, 0);
}
