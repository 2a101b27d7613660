// The audit of deployed targets: read the sources the selection migrates (over IMAP, as imapc does),
// list every login of the target's userdb, read what each declared and undeclared target holds
// (doveadm HTTP API) and judge whose mail it is by the exports, never by the plan's pairing.
import type { AuditResult, AuditedSource, AuditedTarget } from "@oxmig/core/audit";
import { indexSources, judgeTarget } from "@oxmig/core/audit";
import type { Binding } from "@oxmig/core/model";
import type { SourceEvidence } from "@oxmig/core/source-ownership";
import type { DoveadmHttpEndpoint } from "../rehearsal/dovecot/dovecot-instance";
import { mapLimited } from "../rehearsal/migration/map-limited";
import type { PhaseProgress } from "../rehearsal/stack-run";
import { expectedFromEvidence } from "../rehearsal/verification/types";
import { readSourceMail, type SourceImap } from "./source-mail";
import { listTargetLogins, readTargetMail } from "./target-mail";

export interface AuditInput {
  /** The selected mailboxes (a wave, or the whole stack). */
  readonly bindings: readonly Binding[];
  /** Every Dovecot login the stack's plan declares, in any wave: the rest of the userdb is undeclared. */
  readonly declaredLogins: ReadonlySet<string>;
  readonly evidence: SourceEvidence;
  readonly target: DoveadmHttpEndpoint;
  readonly source: SourceImap;
  /** Parallel IMAP sessions and doveadm requests (default 4). */
  readonly parallelism?: number;
  readonly progress?: PhaseProgress;
}

export interface AuditRun extends AuditResult {
  /** Logins of the target's userdb the plan does not declare. */
  readonly undeclared: readonly string[];
  /** Every target read (declared and undeclared), with what it holds: the adoption evidence (core/adoption.ts). */
  readonly targets: readonly AuditedTarget[];
  /** Message identity → ExchangeGuids of the sources read holding it. */
  readonly index: ReadonlyMap<string, readonly string[]>;
  /** Whose mail each source read holds (people first), by ExchangeGuid. */
  readonly sourceOwners: ReadonlyMap<string, string>;
}

const silent: PhaseProgress = { start: () => undefined, tick: () => undefined, end: () => undefined };

export async function runAudit(input: AuditInput): Promise<AuditRun> {
  const progress = input.progress ?? silent;
  const parallelism = input.parallelism ?? 4;
  const expected = expectedFromEvidence(input.bindings, input.evidence);
  const owners = expected[0]?.sourceOwners ?? new Map<string, string>();
  const sourceLogins = new Map(input.bindings.map((b) => [b.source.exchangeGuid, b.source.login]));

  progress.start("read sources", sourceLogins.size);
  const sourceReads = await mapLimited([...sourceLogins], parallelism, async ([guid, login]) => {
    const read = await readSourceMail(input.source, login);
    progress.tick();
    return { guid, read };
  });
  progress.end("read sources");
  const sources: AuditedSource[] = sourceReads.flatMap(({ guid, read }) =>
    "messages" in read ? [{ exchangeGuid: guid, owner: owners.get(guid) ?? guid, messages: read.messages }] : [],
  );
  const unreadableSources = sourceReads.flatMap(({ guid, read }) =>
    "error" in read ? [{ exchangeGuid: guid, owner: owners.get(guid) ?? guid, why: read.error }] : [],
  );

  const undeclared = (await listTargetLogins(input.target)).filter((login) => !input.declaredLogins.has(login)).sort();
  const wanted = [
    ...expected.map((m) => ({ login: m.login, reader: m.reader, declared: true, rightfulSources: m.sourceExchangeGuids })),
    ...undeclared.map((login) => ({ login, reader: `login ${login}, not in the plan`, declared: false, rightfulSources: [] as string[] })),
  ];
  progress.start("read targets", wanted.length);
  const targets: AuditedTarget[] = await mapLimited(wanted, parallelism, async (t) => {
    const read = await readTargetMail(input.target, t.login);
    progress.tick();
    return "messages" in read ? { ...t, messages: read.messages } : { ...t, messages: [], readError: read.error };
  });
  progress.end("read targets");

  const index = indexSources(sources);
  return {
    verdicts: targets.map((t) => judgeTarget(t, index, owners)),
    sourcesRead: sources.length,
    unreadableSources,
    undeclared,
    targets,
    index,
    sourceOwners: owners,
  };
}
