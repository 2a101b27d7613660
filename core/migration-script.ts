// Renders what the migration Job runs: the doveadm config and the per-wave shell script.
// Pure text: infra/ puts both into the wave's ConfigMap. Credentials never appear here;
// they come from a Secret mounted next to the config and included by it.
import type { Pairing } from "./contract";
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

/** migrate.sh for one wave; every pair runs, any failed pair fails the Job. */
export function renderMigrationScript(options: MigrationScriptOptions): string {
  const header = [
    "#!/bin/sh",
    `# Rendered by oxmig for wave ${options.wave}, phase ${options.phase}. Regenerate with the stack; do not edit.`,
    "set -u",
  ];
  switch (options.phase) {
    case "copying":
      return [...header, ...copyingBody(options.pairings), ""].join("\n");
    case "cut-over":
      // TODO(post-cut-over issue): `doveadm sync -1 -R -s <state>` with a per-pair state file kept in a
      // PVC. Until then refuse: `backup -R` after cut-over would expunge mail delivered to the target.
      return [
        ...header,
        `echo "wave ${options.wave} is in cut-over: incremental sync is not implemented yet; refusing to run backup -R" >&2`,
        "exit 1",
        "",
      ].join("\n");
    case "done":
      // TODO(post-cut-over issue): a final `sync -1 -R -s <state>` belongs here too.
      return [...header, `echo "wave ${options.wave} is done: nothing to copy"`, "exit 0", ""].join("\n");
  }
}

function copyingBody(pairings: readonly Pairing[]): string[] {
  const total = pairings.length;
  return [
    "# backup -R makes each target an exact copy of its source: only valid before cut-over,",
    "# and it must be the first thing that touches a target mailbox.",
    `conf=${MIGRATION_PATHS.doveadmConf}`,
    "failed=0",
    "copy() {",
    "  # $1: source login (imapc_user), $2: target Dovecot login",
    '  if doveadm -c "$conf" -o "imapc_user=$1" backup -R -u "$2" imapc:; then',
    '    echo "copied $1 -> $2"',
    "  else",
    '    echo "FAILED (exit $?): $1 -> $2" >&2',
    "    failed=$((failed + 1))",
    "  fi",
    "}",
    ...pairings.map((p) => `copy ${shellQuote(p.sourceLogin)} ${shellQuote(p.targetLogin)}`),
    'if [ "$failed" -ne 0 ]; then',
    `  echo "$failed of ${total} pairs failed" >&2`,
    "  exit 1",
    "fi",
    `echo "all ${total} pairs copied"`,
  ];
}
