// Wave lifecycle: what each phase may run against a wave's mailboxes, as pure data.
// copying  → `doveadm backup -R -s ""` (target := source; prints the state the cut-over starts from)
// cut-over → `doveadm sync -1 -R -s <saved state>` (adds late source mail, never deletes target mail)
// done     → nothing runs.
// A pair the plan marks `remigrate` runs, in copying and cut-over, an import of what its target lacks
// (computed in the pod: core/migration-script.ts), never backup or sync, and loses its saved state.
// Checked on Dovecot 2.3.19 with imapc (see docs/readme-lifecycle.md): `sync -1 -R -s ""` duplicates
// every message already copied, and `backup -R` after target deliveries expunged the whole INBOX.
import type { Pairing } from "./contract";
import type { WavePhase } from "./model";

export const PHASE_ORDER: readonly WavePhase[] = ["copying", "cut-over", "done"];

export function phaseRank(phase: WavePhase): number {
  return PHASE_ORDER.indexOf(phase);
}

export function isPhase(value: unknown): value is WavePhase {
  return typeof value === "string" && (PHASE_ORDER as readonly string[]).includes(value);
}

export type LifecycleMode = "backup-reverse" | "sync-reverse-stateful" | "none";

/** What a wave declares in its ConfigMap (`lifecycle.json`) for the policies. */
export interface Lifecycle {
  readonly phase: WavePhase;
  readonly mode: LifecycleMode;
  /** PersistentVolumeClaim holding `<mailboxId>.state` per pair (copying writes it, cut-over reads it). */
  readonly stateVolume?: string;
  /** Whether canary delivery to the wave's targets is configured. */
  readonly canaries: boolean;
  /** The plan's reason for moving this wave's phase backwards (`phaseRollback`). */
  readonly rollback?: string;
}

export const LIFECYCLE_DATA_KEY = "lifecycle.json";

/** Stands for the pair's saved state in an argv; the script substitutes the state file's content. */
export const STATE_PLACEHOLDER = "@state@";

export const MODE_OF: Record<WavePhase, LifecycleMode> = {
  copying: "backup-reverse",
  "cut-over": "sync-reverse-stateful",
  done: "none",
};

export function stateClaimName(wave: string): string {
  return `migration-state-${wave}`;
}

export interface LifecycleInput {
  readonly name: string;
  readonly phase: WavePhase;
  /** Plan setting; default: canaries only once routing points to the target. */
  readonly canaries?: boolean;
  readonly phaseRollback?: string;
}

export function lifecycleOf(wave: LifecycleInput): Lifecycle {
  const mode = MODE_OF[wave.phase];
  return {
    phase: wave.phase,
    mode,
    ...(mode !== "none" ? { stateVolume: stateClaimName(wave.name) } : {}),
    canaries: wave.canaries ?? wave.phase !== "copying",
    ...(wave.phaseRollback !== undefined ? { rollback: wave.phaseRollback } : {}),
  };
}

export interface CommandPaths {
  /** doveadm config (target config + source host + mounted credentials). */
  readonly doveadmConf: string;
  /** Directory of the mounted state volume. */
  readonly stateDir: string;
}

/** One doveadm run for one pair; `argv` may hold STATE_PLACEHOLDER where the saved state goes. */
export interface DoveadmCommand {
  readonly mailboxId: string;
  readonly stateFile: string;
  /** True: the pair must have a saved state, else it fails without running (sync without state duplicates mail). */
  readonly needsState: boolean;
  /**
   * True: a re-migration (plan `remigrate`). `argv` is exactly importArgv(…): the script's fixed function
   * removes the pair's state, computes in the pod what the target lacks and appends `mailbox <folder> uid <set>`
   * to `argv` for each import it runs (core/migration-script.ts).
   */
  readonly remigrate?: boolean;
  readonly argv: readonly string[];
}

/**
 * The argv of a re-migration's `doveadm import` before the script appends its search: the imapc source
 * is the corrected one, `""` keeps the source's folder names. Fixed shape: the script reads the config,
 * source and target at positions 3, 5 and 8, and the readers accept only this exact form.
 */
export function importArgv(doveadmConf: string, sourceLogin: string, targetLogin: string): string[] {
  return ["doveadm", "-c", doveadmConf, "-o", `imapc_user=${sourceLogin}`, "import", "-u", targetLogin, "imapc:", ""];
}

export function stateFileFor(stateDir: string, mailboxId: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(mailboxId)) throw new Error(`mailbox id "${mailboxId}" cannot name a state file`);
  return `${stateDir.replace(/\/+$/, "")}/${mailboxId}.state`;
}

/** A re-migration's import argv read back: its source and target, or why it is not exactly importArgv(…). */
export interface ImportReading {
  readonly doveadmConf?: string;
  readonly sourceLogin?: string;
  readonly targetLogin?: string;
  readonly problem?: string;
}

export function readImportArgv(argv: readonly string[]): ImportReading {
  const setting = argv[4] ?? "";
  const sourceLogin = setting.startsWith("imapc_user=") ? setting.slice("imapc_user=".length) : undefined;
  const [conf, targetLogin] = [argv[2], argv[7]];
  if (conf === undefined || sourceLogin === undefined || targetLogin === undefined || !sameWords(argv, importArgv(conf, sourceLogin, targetLogin)))
    return {
      problem: `runs ${JSON.stringify(argv.join(" ").slice(0, 160))}, not the rendered re-migration "${importArgv("<config>", "<source>", "<target>").join(" ")}" (the script appends the search; nothing else may change)`,
    };
  // doveadm reads -u as a user mask: `*` or `?` would import into every matching mailbox.
  if (/[*?]/.test(targetLogin) || targetLogin === "" || sourceLogin === "")
    return {
      doveadmConf: conf,
      sourceLogin,
      targetLogin,
      problem: `imports into ${JSON.stringify(targetLogin)} from ${JSON.stringify(sourceLogin)}: not one literal login each`,
    };
  return { doveadmConf: conf, sourceLogin, targetLogin };
}

const sameWords = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((w, i) => w === b[i]);

/** The doveadm run a phase allows for one pair (undefined: nothing runs). Credentials stay in the config file. */
export function doveadmCommand(phase: WavePhase, pairing: Pairing, paths: CommandPaths): DoveadmCommand | undefined {
  const base = ["doveadm", "-c", paths.doveadmConf, "-o", `imapc_user=${pairing.sourceLogin}`];
  const target = ["-u", pairing.targetLogin, "imapc:"];
  const stateFile = stateFileFor(paths.stateDir, pairing.mailboxId);
  // A re-paired mailbox (plan `remigrate`): neither backup -R nor sync -1 -R can bring its own mail
  // (the target carries the wrong source's UIDVALIDITY and state; docs/incident.md, 4–5), an import can.
  if (pairing.remigrate !== undefined && phase !== "done")
    return {
      mailboxId: pairing.mailboxId,
      stateFile,
      needsState: false,
      remigrate: true,
      argv: importArgv(paths.doveadmConf, pairing.sourceLogin, pairing.targetLogin),
    };
  switch (phase) {
    case "copying":
      // An empty state means "full run, then print the state": the last successful copy is the baseline.
      return { mailboxId: pairing.mailboxId, stateFile, needsState: false, argv: [...base, "backup", "-R", "-s", "", ...target] };
    case "cut-over":
      return { mailboxId: pairing.mailboxId, stateFile, needsState: true, argv: [...base, "sync", "-1", "-R", "-s", STATE_PLACEHOLDER, ...target] };
    case "done":
      return undefined;
  }
}

export function doveadmCommands(phase: WavePhase, pairings: readonly Pairing[], paths: CommandPaths): DoveadmCommand[] {
  return pairings.flatMap((p) => doveadmCommand(phase, p, paths) ?? []);
}
