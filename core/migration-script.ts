// Renders what the migration Job runs: the doveadm config and the per-wave shell script.
// Pure text: infra/ puts both into the wave's ConfigMap. Credentials never appear here;
// they come from a Secret mounted next to the config and included by it.
//
// State protocol (core/lifecycle.ts): every copying run is `backup -R -s ""`, whose printed state
// replaces `<stateDir>/<mailboxId>.state` only when the run succeeded (a failed copy deletes it).
// No canary and no delivery reaches a target before cut-over, so the state of the last successful
// copy describes exactly what the target holds. After routing moved, each cut-over run is
// `sync -1 -R -s <that state>` and saves the new state the same way. A pair without a state file
// fails loudly and runs nothing: `sync` without a state copies every message a second time.
import type { Pairing } from "./contract";
import { doveadmCommands, STATE_PLACEHOLDER, type DoveadmCommand } from "./lifecycle";
import type { WavePhase } from "./model";

/** Where the Job finds its files (the ConfigMap at `dir`, the imapc credentials Secret at `secretDir`). */
export const MIGRATION_PATHS = {
  dir: "/etc/oxmig",
  script: "/etc/oxmig/migrate.sh",
  doveadmConf: "/etc/oxmig/doveadm.conf",
  pairings: "/etc/oxmig/pairings.json",
  secretDir: "/etc/oxmig/secret",
  /** Holds imapc_port, imapc_master_user, imapc_password (and may override imapc_host). */
  imapcConf: "/etc/oxmig/secret/imapc.conf",
  /** Key of imapc.conf in the credentials Secret. */
  imapcSecretKey: "imapc.conf",
  /** The target Dovecot's own configuration inside the migration image. */
  targetConf: "/etc/dovecot/dovecot.conf",
  /** Mount point of the wave's state PersistentVolumeClaim (`<mailboxId>.state` per pair). */
  stateDir: "/var/lib/oxmig/state",
} as const;

export interface DoveadmConfOptions {
  /** Host of the source (Exchange) IMAP server. */
  readonly sourceImapHost: string;
}

/** doveadm.conf: the target's config, the source host, then the mounted credentials (later settings win). */
export function renderDoveadmConf(options: DoveadmConfOptions): string {
  if (!/^[A-Za-z0-9.-]+$/.test(options.sourceImapHost)) {
    throw new Error(`sourceImapHost "${options.sourceImapHost}" must be a host name (letters, digits, dots, hyphens)`);
  }
  return [
    "# Rendered by oxmig. Credentials live only in the mounted Secret included last.",
    `!include ${MIGRATION_PATHS.targetConf}`,
    `imapc_host = ${options.sourceImapHost}`,
    "imapc_features = rfc822.size fetch-headers",
    `!include ${MIGRATION_PATHS.imapcConf}`,
    "",
  ].join("\n");
}

export interface MigrationScriptOptions {
  readonly wave: string;
  readonly phase: WavePhase;
  readonly pairings: readonly Pairing[];
}

/** POSIX single-quoting: the value reaches doveadm as one argument, whatever it contains. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Every line of the script is fixed except the `pair …` lines; the policies compare the rest verbatim. */
const PAIR_PREFIX = "pair ";

function preamble(wave: string, phase: WavePhase): string[] {
  return [
    "#!/bin/sh",
    `# Rendered by oxmig for wave ${wave}, phase ${phase}. Regenerate with the stack; do not edit.`,
    "# Each pair line: mailbox id, state file, fresh|needs-state, then the doveadm argv run verbatim",
    `# (${STATE_PLACEHOLDER} stands for the saved state). See core/migration-script.ts for the state protocol.`,
    "set -u",
    "failed=0",
    "total=0",
    "pair() {",
    "  id=$1 state_file=$2 need=$3",
    "  shift 3",
    "  total=$((total + 1))",
    '  state=""',
    '  if [ "$need" = needs-state ]; then',
    '    if [ ! -s "$state_file" ]; then',
    '      echo "FAILED: $id has no saved state $state_file; sync without state would duplicate mail, not run" >&2',
    "      failed=$((failed + 1))",
    "      return 0",
    "    fi",
    '    state=$(cat "$state_file")',
    "  fi",
    `  for arg do shift; if [ "$arg" = ${shellQuote(STATE_PLACEHOLDER)} ]; then set -- "$@" "$state"; else set -- "$@" "$arg"; fi; done`,
    '  if "$@" > "$state_file.new"; then',
    '    mv "$state_file.new" "$state_file"',
    '    echo "done $id"',
    "  else",
    "    code=$?",
    '    rm -f "$state_file.new"',
    "    # A failed copy leaves no baseline, so cut-over refuses this pair until a copy succeeds.",
    '    if [ "$need" = fresh ]; then rm -f "$state_file"; fi',
    '    echo "FAILED (exit $code): $id" >&2',
    "    failed=$((failed + 1))",
    "  fi",
    "}",
  ];
}

const EPILOGUE = [
  'if [ "$failed" -ne 0 ]; then',
  '  echo "$failed of $total pairs failed" >&2',
  "  exit 1",
  "fi",
  'echo "all $total pairs done"',
  "",
];

export function renderPairLine(command: DoveadmCommand): string {
  const need = command.needsState ? "needs-state" : "fresh";
  return PAIR_PREFIX + [command.mailboxId, command.stateFile, need, ...command.argv].map(shellQuote).join(" ");
}

/** migrate.sh for one wave: the phase's doveadm run per pair; any failed pair fails the Job. */
export function renderMigrationScript(options: MigrationScriptOptions): string {
  const commands = doveadmCommands(options.phase, options.pairings, { doveadmConf: MIGRATION_PATHS.doveadmConf, stateDir: MIGRATION_PATHS.stateDir });
  return [...preamble(options.wave, options.phase), ...commands.map(renderPairLine), ...EPILOGUE].join("\n");
}
