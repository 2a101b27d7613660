// Runs a phase the way its wave's Job does: the doveadm argv core/lifecycle.ts gives the phase, as the
// pairing table of the rendered migrate.sh (core/migration-script.ts), one run per Job index in parallel
// workers (rehearsal/migration/migrate.ts). The script keeps the state protocol: a pair that needs a state and has
// none refuses to run; the state placeholder becomes the saved state; a successful run's output (the new
// state) replaces the state file; a copy removes the old state before it starts.
import { dirname } from "node:path";
import type { Pairing } from "@oxmig/core/contract";
import { doveadmCommands, STATE_PLACEHOLDER, type DoveadmCommand } from "@oxmig/core/lifecycle";
import type { WavePhase } from "@oxmig/core/model";
import { runIndexedCommands, type PairResult } from "../migration/migrate";

/** Deliberate mistakes (faults) for the cut-over runs; "none" is the protocol. */
export type CutOverMistake = "none" | "backup-after-cut-over" | "sync-without-state";

export interface PhaseRunInput {
  readonly phase: WavePhase;
  readonly pairings: readonly Pairing[];
  /** doveadm config: the Job's, pointing at this rehearsal's Dovecots (see writeImapcConf). */
  readonly doveadmConf: string;
  readonly stateDir: string;
  readonly mistake?: CutOverMistake;
  /** Indexes run at the same time (the Job's parallelism; default 3). */
  readonly parallelism?: number;
  readonly onPair?: (result: PairResult) => void;
}

/** The commands a phase runs, bent by a mistake: a copy after cut-over, or a sync from an empty state. */
export function commandsFor(input: PhaseRunInput): DoveadmCommand[] {
  const paths = { doveadmConf: input.doveadmConf, stateDir: input.stateDir };
  if (input.phase === "cut-over" && input.mistake === "backup-after-cut-over") return doveadmCommands("copying", input.pairings, paths);
  const commands = doveadmCommands(input.phase, input.pairings, paths);
  if (input.phase !== "cut-over" || input.mistake !== "sync-without-state") return commands;
  return commands.map((c) => ({ ...c, needsState: false, argv: c.argv.map((a) => (a === STATE_PLACEHOLDER ? "" : a)) }));
}

export async function runPhase(input: PhaseRunInput): Promise<PairResult[]> {
  return runIndexedCommands({
    phase: input.phase,
    commands: commandsFor(input),
    pairings: input.pairings,
    scriptDir: dirname(input.doveadmConf),
    ...(input.parallelism !== undefined ? { parallelism: input.parallelism } : {}),
    ...(input.onPair ? { onPair: input.onPair } : {}),
  });
}
