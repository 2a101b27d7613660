// Wave lifecycle: what each phase may run against a wave's mailboxes, as pure data.
// copying  → `doveadm backup -R -s ""` (target := source; prints the state the cut-over starts from)
// cut-over → `doveadm sync -1 -R -s <saved state>` (adds late source mail, never deletes target mail)
// done     → nothing runs.
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
  readonly argv: readonly string[];
}

export function stateFileFor(stateDir: string, mailboxId: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(mailboxId)) throw new Error(`mailbox id "${mailboxId}" cannot name a state file`);
  return `${stateDir.replace(/\/+$/, "")}/${mailboxId}.state`;
}

/** The doveadm run a phase allows for one pair (undefined: nothing runs). Credentials stay in the config file. */
export function doveadmCommand(phase: WavePhase, pairing: Pairing, paths: CommandPaths): DoveadmCommand | undefined {
  const base = ["doveadm", "-c", paths.doveadmConf, "-o", `imapc_user=${pairing.sourceLogin}`];
  const target = ["-u", pairing.targetLogin, "imapc:"];
  const stateFile = stateFileFor(paths.stateDir, pairing.mailboxId);
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
