// One wave of the incident drill: the incident itself, then the runbook step by step, each step judged
// (incident-proof.ts) and every failure worded with the people it concerns (incident-problems.ts).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { applyClean, cleanPlan, type CleanOutcome } from "../../audit/clean";
import { runAudit, type AuditRun } from "../../audit/run-audit";
import type { SourceImap } from "../../audit/source-mail";
import { appendAll } from "@oxmig/core/append";
import { incomplete } from "@oxmig/core/audit";
import { REFUSED_EXIT_CODE } from "@oxmig/core/migration-script";
import type { Binding } from "@oxmig/core/model";
import { pairingOf } from "@oxmig/core/pairings";
import { contain, probeLogins } from "./containment";
import type { AffectedMailbox, DrillCounts, DrillInput, StepTiming, WaveDrill } from "./drill";
import { misbindingsOf, wrongPairings, type Misbinding, type Swap } from "./injection";
import { deliverAfterCutOver, readMessageIds, type Delivery } from "./mail";
import { cleanProblems, containmentProblems, detectionProblems, finalProblems, pairProblems, type Probes } from "./problems";
import { countTarget, finalAuditProblems, judgeClean, judgeDetection, seededIds, type Detection, type TargetCount } from "./proof";
import { importedTotal, jobPairings, withRemigrate } from "./remigrate";
import { runPhase } from "../lifecycle/migrate";
import { rehearsalPaths } from "../migration/migrate";
import type { Rehearsal } from "../rehearse";
import { sourceUsersFor } from "../rehearse";
import type { PhaseProgress } from "../stack-run";
import { expectedFromEvidence } from "../verification/types";

export interface WavePlan {
  readonly name: string;
  readonly wave: readonly Binding[];
  readonly swaps: readonly Swap[];
  /** Logins whose own login is tried: the crossed ones and one that is not (it must keep working). */
  readonly probed: readonly string[];
}

export interface WaveContext {
  readonly input: DrillInput;
  readonly rehearsal: Rehearsal;
  readonly routes: ReadonlyMap<string, string>;
  /** Throwaway own passwords of the probed logins. Secret. */
  readonly passwords: ReadonlyMap<string, string>;
  readonly declaredLogins: ReadonlySet<string>;
  readonly progress: PhaseProgress;
}

type Step = <T>(name: string, total: number, work: () => Promise<T>) => Promise<T>;

function stepper(progress: PhaseProgress, wave: string, timings: StepTiming[]): Step {
  return async (name, total, work) => {
    const started = performance.now();
    progress.start(`${wave}: ${name}`, total);
    try {
      return await work();
    } finally {
      progress.end(`${wave}: ${name}`);
      timings.push({ step: name, ms: performance.now() - started });
    }
  };
}

export async function drillWave(c: WaveContext, plan: WavePlan): Promise<WaveDrill> {
  const { wave } = plan;
  const { source, target } = c.rehearsal;
  const endpoint = target.doveadmHttp!;
  const n = c.input.messagesPerMailbox;
  const steps: StepTiming[] = [];
  const step = stepper(c.progress, plan.name, steps);
  const tick = () => c.progress.tick();
  const problems: string[] = [];
  const expected = new Map(expectedFromEvidence(wave, c.input.evidence).map((m) => [m.login, m]));
  const readerOf = (login: string) => expected.get(login)?.reader ?? `login ${login}`;
  const owners = [...expected.values()][0]?.sourceOwners;
  const ownerOf = (m: Misbinding) => owners?.get(m.sourceOf.source.exchangeGuid) ?? `source ${m.sourceOf.source.login}`;
  const users = sourceUsersFor(wave);
  const injected = misbindingsOf(plan.swaps);
  const wrong = wrongPairings(wave, plan.swaps);
  const afterCutOver: Delivery[] = [];
  const deliver = async (round: string) => {
    const d = await deliverAfterCutOver(target, wave, c.routes, round);
    afterCutOver.push(d);
    appendAll(
      problems,
      d.refused.map((r) => `delivery after cut-over refused: ${r}`),
    );
  };

  // The incident: a wrong pairing copied by the Job, cut over, new mail, and the Job's syncs go on.
  await step("seed", wave.length, () => c.rehearsal.seed(n, users));
  appendAll(problems, pairProblems(await step("copy (wrong pairing)", wave.length, () => c.rehearsal.migrate(wrong, { onPair: tick })), readerOf));
  await step("mail after cut-over", wave.length, () => deliver("cut-over"));
  await step("late source mail, sync (wrong pairing)", wave.length, async () => {
    await c.rehearsal.seed(1, users, n + 1);
    appendAll(problems, pairProblems(await runPhase({ phase: "cut-over", pairings: wrong, ...rehearsalPaths(source, target), onPair: tick }), readerOf));
  });

  // 1. Detect.
  const sourceImap: SourceImap = {
    host: "127.0.0.1",
    port: source.imapPort,
    security: "none",
    masterUser: source.masterUser.login,
    masterPassword: source.masterUser.password,
  };
  const auditWave = () => runAudit({ bindings: wave, declaredLogins: c.declaredLogins, evidence: c.input.evidence, target: endpoint, source: sourceImap });
  const audit = await step("audit", wave.length, async () => {
    const run = await auditWave();
    return c.input.hooks?.afterAudit?.(run) ?? run;
  });
  if (incomplete(audit)) problems.push("the audit was incomplete: a source or target could not be read (oxmig audit names which)");
  const detection = judgeDetection(injected, audit);
  appendAll(problems, detectionProblems(detection, readerOf, ownerOf));
  const named = audit.verdicts.filter((v) => v.status === "foreign").map((v) => v.login);

  // 2. Contain what the audit named; mail keeps arriving meanwhile.
  const probed = new Map(plan.probed.map((login) => [login, c.passwords.get(login)!]));
  const probes: Probes = { before: [], contained: [], after: [] };
  await step("contain", named.length, async () => {
    probes.before = await probeLogins(target, probed);
    await contain(target, named);
    probes.contained = await probeLogins(target, probed);
    await deliver("contained");
  });

  // 3. Clean exactly what the audit found foreign, with the log.
  const planned = cleanPlan(audit);
  const log = join(c.input.root, `clean-${plan.name}.jsonl`);
  const outcomes = await step("clean", planned.length, () => applyClean(c.input.hooks?.cleanPlan?.(planned) ?? planned, endpoint, log));
  const crossedIn = injected.flatMap((m) => seededIds(m.sourceOf.source.exchangeGuid, n + 1).map((messageId) => ({ login: m.target.dovecotLogin, messageId })));
  const clean = judgeClean(crossedIn, outcomes);
  appendAll(problems, cleanProblems(clean, readerOf));
  const logged = removalsLogged(log);
  if (logged !== clean.removed) problems.push(`the clean log ${log} records ${logged} removal(s), the cleanup made ${clean.removed}`);

  // 4. Re-migrate what the audit named the way docs/incident.md says: the corrected plan lines carry
  // `remigrate:`, and the wave's Job (its rendered script, index by index) imports what each re-paired
  // target lacks while it syncs the others. Later source mail: the Job again brings exactly that; a third
  // run imports nothing. Dropping `remigrate:` too early: the pair's state is gone, its sync refuses.
  const repaired = new Set(named);
  const corrected = withRemigrate(wave, repaired, `drill ${plan.name}: corrected pairing, cleaned`);
  const remigrated = corrected.filter((b) => b.remigrate !== undefined).length;
  const runJob = async () => {
    const results = await runPhase({ phase: "cut-over", pairings: jobPairings(corrected), ...rehearsalPaths(source, target), onPair: tick });
    appendAll(problems, pairProblems(results, readerOf));
    return importedTotal(results, problems, readerOf);
  };
  const reimported = await step("re-migrate", wave.length, runJob);
  // What each re-paired target lacks after the clean: its own n+1 seeded messages (the Job copied the wrong source).
  if (reimported !== remigrated * (n + 1))
    problems.push(`the Job's re-migration imported ${reimported} message(s); the ${remigrated} re-paired mailbox(es) lacked ${remigrated * (n + 1)}`);
  const lateReimported = await step("late source mail, the Job again", wave.length, async () => {
    await c.rehearsal.seed(1, users, n + 2);
    return runJob();
  });
  if (lateReimported !== remigrated)
    problems.push(`the Job's second run imported ${lateReimported} message(s); ${remigrated} arrived at the re-paired sources`);
  const again = await step("the Job once more", wave.length, runJob);
  if (again !== 0) problems.push(`a rerun of the Job imported ${again} message(s) again; a re-migration imports only what is missing`);
  await step("without remigrate: the cut-over sync refuses", remigrated, async () => {
    const job = await runPhase({
      phase: "cut-over",
      pairings: wave.filter((b) => repaired.has(b.dovecotLogin)).map(pairingOf),
      ...rehearsalPaths(source, target),
    });
    for (const r of job.filter((x) => x.exitCode !== REFUSED_EXIT_CODE)) {
      problems.push(
        `the Job's cut-over sync was not refused for the re-paired mailbox of ${readerOf(r.pairing.targetLogin)} (exit ${r.exitCode ?? "none"}): the re-migration must remove the wrong source's saved state`,
      );
    }
  });

  // 5. Verify: the audit again, and every expected message exactly once.
  const finals = await step("verify", wave.length, async () => {
    appendAll(problems, finalAuditProblems(await auditWave()));
    const held = await readMessageIds(
      target,
      wave.map((b) => b.dovecotLogin),
    );
    return wave.map((b) => {
      const rightful = expected.get(b.dovecotLogin)?.sourceExchangeGuids ?? [];
      const ids = held.get(b.dovecotLogin);
      if (!Array.isArray(ids)) problems.push(`the mailbox of ${readerOf(b.dovecotLogin)} could not be read at the end: ${ids?.error}`);
      const afterIds = afterCutOver.flatMap((d) => d.byLogin.get(b.dovecotLogin) ?? []);
      return countTarget(
        { login: b.dovecotLogin, own: rightful.flatMap((g) => seededIds(g, n + 2)), afterCutOver: afterIds, rightfulSources: rightful },
        Array.isArray(ids) ? ids : [],
      );
    });
  });
  appendAll(
    problems,
    finals.flatMap((f) => finalProblems(f, readerOf(f.login))),
  );

  // 6. Un-contain: nobody listed, every own login works again.
  await step("un-contain", named.length, async () => {
    await contain(target, []);
    probes.after = await probeLogins(target, probed);
  });
  appendAll(problems, containmentProblems(probes, new Set(named), readerOf));

  const finalOf = new Map(finals.map((f) => [f.login, f]));
  const record = (m: Misbinding) =>
    affectedRecord(m, { audit, detection, contained: new Set(named), outcomes, crossedInPerMailbox: n + 1, finalOf, readerOf, ownerOf });
  const sum = (f: (t: TargetCount) => number) => finals.reduce((s, t) => s + f(t), 0);
  const counts: DrillCounts = {
    mailboxes: wave.length,
    affected: injected.length,
    found: detection.found.length,
    foreignExpected: clean.expected,
    foreignRemoved: clean.removed,
    reimported,
    lateReimported,
    lost: sum((t) => t.lost.length),
    duplicated: sum((t) => t.duplicated),
    foreignLeft: sum((t) => t.foreign),
    seeded: users.length * (n + 2),
    delivered: afterCutOver.reduce((s, d) => s + d.count, 0),
    messagesAtEnd: sum((t) => t.total),
  };
  return { wave: plan.name, affected: injected.map(record), problems, counts, steps };
}

interface RecordInput {
  readonly audit: AuditRun;
  readonly detection: Detection;
  readonly contained: ReadonlySet<string>;
  readonly outcomes: readonly CleanOutcome[];
  readonly crossedInPerMailbox: number;
  readonly finalOf: ReadonlyMap<string, TargetCount>;
  readonly readerOf: (login: string) => string;
  readonly ownerOf: (m: Misbinding) => string;
}

function affectedRecord(m: Misbinding, r: RecordInput): AffectedMailbox {
  const login = m.target.dovecotLogin;
  const verdict = r.audit.verdicts.find((v) => v.login === login);
  const group = verdict && verdict.status !== "unreadable" ? verdict.foreign.find((f) => f.exchangeGuid === m.sourceOf.source.exchangeGuid) : undefined;
  return {
    login,
    reader: r.readerOf(login),
    crossedIn: r.ownerOf(m),
    found: r.detection.found.includes(m),
    foundMessages: group?.messages.length ?? 0,
    contained: r.contained.has(login),
    foreignExpected: r.crossedInPerMailbox,
    removed: r.outcomes.filter((o) => o.removed && o.entry.login === login).length,
    final: r.finalOf.get(login)!,
  };
}

/** "removed" lines of the clean log (the audit trail must match what was done). */
function removalsLogged(file: string): number {
  try {
    return readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .filter((l) => (JSON.parse(l) as { event?: string }).event === "removed").length;
  } catch {
    return 0;
  }
}
