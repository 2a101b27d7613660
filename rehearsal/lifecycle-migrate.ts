// Runs the doveadm argv that core/lifecycle.ts gives a phase, with the state protocol of the rendered
// migrate.sh (core/migration-script.ts): a pair that needs a state and has none fails without running;
// the state placeholder becomes the saved state; a successful run's stdout (the new state) replaces the
// state file; a failed copy deletes it.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import type { Pairing } from "../core/contract";
import { doveadmCommands, STATE_PLACEHOLDER, type DoveadmCommand } from "../core/lifecycle";
import type { WavePhase } from "../core/model";
import { mapLimited } from "./map-limited";
import type { PairResult } from "./migrate";
import { writeOwned } from "./run-as";

/** Deliberate mistakes (faults) for the cut-over runs; "none" is the protocol. */
export type CutOverMistake = "none" | "backup-after-cut-over" | "sync-without-state";

export interface PhaseRunInput {
  readonly phase: WavePhase;
  readonly pairings: readonly Pairing[];
  /** doveadm config: the target's config plus the source (see writeImapcConf). */
  readonly doveadmConf: string;
  readonly stateDir: string;
  readonly mistake?: CutOverMistake;
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
  const byId = new Map(input.pairings.map((p) => [p.mailboxId, p]));
  return mapLimited(commandsFor(input), Math.min(Math.max(input.parallelism ?? 3, 1), 4), async (command) => {
    const result = await runCommand(command, byId.get(command.mailboxId)!);
    input.onPair?.(result);
    return result;
  });
}

async function runCommand(command: DoveadmCommand, pairing: Pairing): Promise<PairResult> {
  const started = Date.now();
  const label = command.argv.includes("sync") ? "sync -1 -R" : "backup -R";
  const saved = existsSync(command.stateFile) ? readFileSync(command.stateFile, "utf8").trim() : "";
  if (command.needsState && saved === "") {
    return { pairing, label, ok: false, exitCode: null, stderr: `no saved state ${command.stateFile}; sync without state would duplicate mail, not run`, ms: 0 };
  }
  const [program, ...args] = command.argv.map((a) => (a === STATE_PLACEHOLDER ? saved : a));
  const { code, stdout, stderr } = await run(program!, args);
  if (code === 0) writeOwned(command.stateFile, stdout.trim());
  else if (!command.needsState) rmSync(command.stateFile, { force: true });
  return { pairing, label, ok: code === 0, exitCode: code, stderr: stderr.trim(), ms: Date.now() - started };
}

function run(program: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", (err) => resolve({ code: null, stdout, stderr: `${stderr}${err.message}` }));
    child.once("close", (code, signal) => resolve({ code, stdout, stderr: signal ? `${stderr}killed by ${signal}` : stderr }));
  });
}
