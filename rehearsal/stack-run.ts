// One whole rehearsal of a stack's bindings, phase by phase: provision (both Dovecots, the target
// userdb from the rendered inputs), seed, migrate wave by wave as the Jobs would, verify.
import type { Binding } from "@oxmig/core/model";
import type { SourceEvidence } from "@oxmig/core/source-ownership";
import type { DovecotInstance } from "./dovecot/dovecot-instance";
import { applyFaults, type Fault } from "./migration/faults";
import { renderRunInputs } from "./migration/inputs";
import { newRunSecret } from "./migration/keys";
import type { PairResult } from "./migration/migrate";
import { sourceUsersFor, startRehearsal, type Rehearsal } from "./rehearse";
import type { Finding } from "./verification/types";
import { appendAll } from "@oxmig/core/append";

export const PHASES = ["provision", "seed", "migrate", "verify"] as const;
export type Phase = (typeof PHASES)[number];

/** Progress display: a bar on a terminal, a line per phase elsewhere (see cli). */
export interface PhaseProgress {
  start(phase: string, total: number): void;
  tick(count?: number): void;
  end(phase: string): void;
}

export interface PhaseTiming {
  /** A Phase, or a lifecycle step ("copy 1", "sync 1", …). */
  readonly phase: string;
  /** Mailboxes (provision, seed, verify) or pairings (migrate) handled. */
  readonly total: number;
  readonly ms: number;
  /** Failed pairs or mailboxes of this step, when the step counts them itself. */
  readonly failed?: number;
  /** Messages on the target after this step (lifecycle rehearsal). */
  readonly messages?: number;
}

export interface StackRunInput {
  /** Resolved with mailRoot `<root>/target/vmail`. */
  readonly bindings: readonly Binding[];
  readonly root: string;
  /** Whose Exchange mailbox is whose by the exports (core/source-ownership): the rehearsal judges by it, not by the plan. */
  readonly evidence: SourceEvidence;
  readonly messagesPerMailbox: number;
  readonly faults?: readonly Fault[];
  readonly progress?: PhaseProgress;
  readonly onStarted?: (instance: DovecotInstance) => void;
}

export interface StackRunResult {
  readonly timings: readonly PhaseTiming[];
  readonly pairs: readonly PairResult[];
  readonly findings: readonly Finding[];
}

const SEED_CHUNK = 50;
const silent: PhaseProgress = { start: () => undefined, tick: () => undefined, end: () => undefined };

export async function runStackRehearsal(input: StackRunInput): Promise<StackRunResult> {
  const { bindings, progress = silent } = input;
  const runSecret = newRunSecret();
  const inputs = applyFaults(renderRunInputs(bindings, runSecret), bindings, input.faults ?? []);
  const timings: PhaseTiming[] = [];
  const phase = async <T>(name: Phase, total: number, step: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    progress.start(name, total);
    try {
      return await step();
    } finally {
      progress.end(name);
      timings.push({ phase: name, total, ms: performance.now() - started });
    }
  };
  const rehearsal: Rehearsal = await phase("provision", bindings.length, () =>
    startRehearsal({
      bindings,
      root: input.root,
      runSecret,
      evidence: input.evidence,
      userdbLines: inputs.userdbLines,
      ...(input.onStarted ? { onStarted: input.onStarted } : {}),
    }),
  );
  try {
    await phase("seed", bindings.length, async () => {
      const users = sourceUsersFor(bindings);
      for (let i = 0; i < users.length; i += SEED_CHUNK) {
        const chunk = users.slice(i, i + SEED_CHUNK);
        await rehearsal.seed(input.messagesPerMailbox, chunk);
        progress.tick(chunk.length);
      }
    });
    const waves = [...inputs.pairings];
    const pairs = await phase(
      "migrate",
      waves.reduce((n, [, list]) => n + list.length, 0),
      async () => {
        const done: PairResult[] = [];
        for (const [, list] of waves) appendAll(done, await rehearsal.migrate(list, { onPair: () => progress.tick() }));
        return done;
      },
    );
    const findings = await phase("verify", bindings.length, () =>
      rehearsal.verify({ seededPerMailbox: input.messagesPerMailbox, routes: inputs.routes, onMailbox: () => progress.tick() }),
    );
    return { timings, pairs, findings };
  } finally {
    await rehearsal.stop();
  }
}
