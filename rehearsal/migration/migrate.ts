// Migration with the Job's own script: the wave's migrate.sh exactly as core/migration-script.ts renders
// it for the Job (only its two paths point at this rehearsal's doveadm.conf and state folder), run once
// per Job index with JOB_COMPLETION_INDEX set, in N parallel workers (rehearsal/migration/indexed-run.ts): the same
// per-mailbox units and the same index resolution as the Indexed Job's pods. doveadm.conf is rendered
// by the same function too; the source credentials sit in 0600 files it reads as plain values, so the
// password is neither in the process list nor in a config file.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Pairing } from "@oxmig/core/contract";
import { doveadmCommands, type CommandPaths, type DoveadmCommand } from "@oxmig/core/lifecycle";
import { IMAPC_SECRET_KEYS, renderDoveadmConf, scriptWithCommands } from "@oxmig/core/migration-script";
import type { WavePhase } from "@oxmig/core/model";
import type { DovecotInstance } from "../dovecot/dovecot-instance";
import { allIndexes, runIndexes, type IndexRun } from "./indexed-run";
import { mkdirOwned, writeOwned } from "../dovecot/run-as";

export interface PairResult {
  readonly pairing: Pairing;
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly ms: number;
  /** The doveadm verb as run ("backup -R", "sync -1 -R", "import"); reports say "backup -R" when absent. */
  readonly label?: string;
  /** What the script printed ("done …", for a re-migration "… imported N message(s) …"). */
  readonly stdout?: string;
}

export interface MigrateOptions {
  /** Indexes run at the same time (the Job's parallelism; default 3). */
  readonly parallelism?: number;
  /** Called after each pair finished (progress). */
  readonly onPair?: (result: PairResult) => void;
}

/** Copies `pairings` as a copying wave's Job does: `backup -R -s ""` per index, state saved per mailbox. */
export async function migrate(
  source: DovecotInstance,
  target: DovecotInstance,
  pairings: readonly Pairing[],
  options: MigrateOptions = {},
): Promise<PairResult[]> {
  const paths = rehearsalPaths(source, target);
  return runIndexedCommands({ phase: "copying", commands: doveadmCommands("copying", pairings, paths), pairings, scriptDir: target.dir, ...options });
}

/** doveadm.conf and state folder of a rehearsal run against `target` (created on first use). */
export function rehearsalPaths(source: DovecotInstance, target: DovecotInstance): CommandPaths {
  const stateDir = join(target.dir, "oxmig-state");
  mkdirOwned(stateDir);
  return { doveadmConf: writeImapcConf(source, target), stateDir };
}

/**
 * The Job's doveadm.conf for runs against `target`: its dovecot.conf, the source on loopback (no TLS,
 * which the renderer allows on loopback only), and the master user's login and password as one-value
 * files (mode 0600), read with `key = <file` as in the Job. Returns the config's path.
 */
export function writeImapcConf(source: DovecotInstance, target: DovecotInstance): string {
  const secretDir = join(target.dir, "oxmig-secret");
  mkdirOwned(secretDir);
  const values: Record<(typeof IMAPC_SECRET_KEYS)[number], string> = { imapc_master_user: source.masterUser.login, imapc_password: source.masterUser.password };
  for (const key of IMAPC_SECRET_KEYS) writeOwned(join(secretDir, key), values[key]);
  const path = join(target.dir, "doveadm.conf");
  writeOwned(
    path,
    renderDoveadmConf({ sourceImapHost: "127.0.0.1", sourceImapPort: source.imapPort, sourceImapTls: "no" }, { targetConf: target.confPath, secretDir }),
  );
  return path;
}

export interface IndexedRunInput extends MigrateOptions {
  /** Named in the script's header only. */
  readonly phase: WavePhase;
  /** The table in index order (the phase's commands, or commands a test bent on purpose). */
  readonly commands: readonly DoveadmCommand[];
  readonly pairings: readonly Pairing[];
  /** Where the script file is written. */
  readonly scriptDir: string;
}

/** Writes the script around `commands` and returns its path (unique per call: waves run one after another). */
export function writeIndexedScript(scriptDir: string, phase: WavePhase, commands: readonly DoveadmCommand[]): string {
  const file = join(scriptDir, `migrate-${phase}-${randomBytes(4).toString("hex")}.sh`);
  writeOwned(file, scriptWithCommands("rehearsal", phase, commands));
  return file;
}

/** Runs every index of the table in `parallelism` workers, one result per pair in index order. */
export async function runIndexedCommands(input: IndexedRunInput): Promise<PairResult[]> {
  const byId = new Map(input.pairings.map((p) => [p.mailboxId, p]));
  const file = writeIndexedScript(input.scriptDir, input.phase, input.commands);
  const resultOf = (run: IndexRun): PairResult => pairResult(input.commands[run.index]!, byId.get(input.commands[run.index]!.mailboxId)!, run);
  const runs = await runIndexes(file, allIndexes(input.commands.length), input.parallelism ?? 3, (run) => input.onPair?.(resultOf(run)));
  return runs.map(resultOf);
}

/** One index's outcome as the reports show it: the script's stderr carries doveadm's, or why it refused. */
export function pairResult(command: DoveadmCommand, pairing: Pairing, run: IndexRun): PairResult {
  return {
    pairing,
    label: command.remigrate ? "import" : command.argv.includes("sync") ? "sync -1 -R" : "backup -R",
    ok: run.exitCode === 0,
    stdout: run.stdout.trim(),
    exitCode: run.exitCode,
    stderr: (run.signal ? `${run.stderr}killed by ${run.signal}` : run.stderr).trim(),
    ms: run.ms,
  };
}
