// Renders what the migration Job runs: the doveadm config and the per-wave shell script.
// Pure text: infra/ puts both into the wave's ConfigMap. Credentials never appear here: doveadm.conf
// reads each one as a plain value from a file of the mounted Secret (`key = <file`), so that Secret
// can hold a password but never a setting (an included config file could move mail_location).
//
// Index protocol: the wave's Job is an Indexed Job with one completion per pair. The script holds the
// pairing table as `pair …` lines inside the function `pairs`, in pairings.json order. A pod reads
// JOB_COMPLETION_INDEX (set by Kubernetes), walks the table once to count it, refuses (exit 3) when the
// index is missing, not a plain decimal, outside the table, or the table's size is not the Job's
// completions (`expected`), and then runs pair line i, counting from 0, and nothing else. Index and
// counter are compared as strings, so "01" or " 1" never name pair 1.
//
// State protocol (core/lifecycle.ts): a copying run is `backup -R -s ""`; it first removes the pair's
// state (a copy that fails or is killed leaves no baseline), and its printed state goes to a temporary
// file renamed over `<stateDir>/<mailboxId>.state` only when doveadm succeeded. After routing moved,
// a cut-over run is `sync -1 -R -s <that state>` and saves the new state the same way. A pair without a
// state file refuses to run (exit 3): `sync` without a state copies every message a second time.
import type { Pairing } from "./contract";
import { doveadmCommands, STATE_PLACEHOLDER, type CommandPaths, type DoveadmCommand } from "./lifecycle";
import type { WavePhase } from "./model";

/** Where the Job finds its files (the ConfigMap at `dir`, the imapc credentials Secret at `secretDir`). */
export const MIGRATION_PATHS = {
  dir: "/etc/oxmig",
  script: "/etc/oxmig/migrate.sh",
  doveadmConf: "/etc/oxmig/doveadm.conf",
  pairings: "/etc/oxmig/pairings.json",
  /** The credentials Secret's keys, one file each (IMAPC_SECRET_KEYS). */
  secretDir: "/etc/oxmig/secret",
  /** The target Dovecot's configuration as the Job mounts it (core/migration-dovecot.ts). */
  targetConf: "/etc/dovecot/dovecot.conf",
  /** Mount point of the wave's state PersistentVolumeClaim (`<mailboxId>.state` per pair). */
  stateDir: "/var/lib/oxmig/state",
} as const;

/** Keys of the credentials Secret: each holds exactly one value (no trailing newline: Dovecot reads the file as it is). */
export const IMAPC_SECRET_KEYS = ["imapc_master_user", "imapc_password"] as const;

/** How doveadm reaches the source: implicit TLS, STARTTLS, or (loopback only: the rehearsal) none. */
export const SOURCE_TLS_MODES = ["imaps", "starttls", "no"] as const;
export type SourceTls = (typeof SOURCE_TLS_MODES)[number];

/** CA certificates doveadm checks the source's certificate against (the image contract; Debian's place). */
export const SOURCE_CA_DIR = "/etc/ssl/certs";

/** Exit code of the script when it refuses to run (bad index or table, no saved state): retrying cannot help. */
export const REFUSED_EXIT_CODE = 3;

export interface DoveadmConfOptions {
  /** Host of the source (Exchange) IMAP server. */
  readonly sourceImapHost: string;
  readonly sourceImapPort: number;
  readonly sourceImapTls: SourceTls;
}

/** Files doveadm.conf names; only a test or the rehearsal moves them out of the pod's paths. */
export interface DoveadmConfPaths {
  readonly targetConf: string;
  readonly secretDir: string;
}

const POD_CONF_PATHS: DoveadmConfPaths = { targetConf: MIGRATION_PATHS.targetConf, secretDir: MIGRATION_PATHS.secretDir };

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "::1"]);

/** Why these source settings cannot be rendered, or undefined. */
export function doveadmConfProblem(options: DoveadmConfOptions): string | undefined {
  if (!/^[A-Za-z0-9.-]+$/.test(options.sourceImapHost))
    return `sourceImapHost "${options.sourceImapHost}" must be a host name (letters, digits, dots, hyphens)`;
  if (!Number.isInteger(options.sourceImapPort) || options.sourceImapPort < 1 || options.sourceImapPort > 65535)
    return `sourceImapPort ${options.sourceImapPort} is not a TCP port`;
  if (!SOURCE_TLS_MODES.includes(options.sourceImapTls)) return `sourceImapTls "${String(options.sourceImapTls)}" is not one of ${SOURCE_TLS_MODES.join(", ")}`;
  if (options.sourceImapTls === "no" && !LOOPBACK_HOSTS.has(options.sourceImapHost))
    return `sourceImapTls "no" would send the master password in cleartext to ${options.sourceImapHost}; only a loopback source may go without TLS`;
  return undefined;
}

/**
 * doveadm.conf: the target's configuration, the source's address, then the two credentials, each read
 * by Dovecot as one value from its Secret file. Checked on Dovecot 2.3.19 (test/infra/components/
 * migration-job-dovecot.test.ts): the file's whole content is the value, a trailing newline included,
 * and a line such as `mail_location = …` inside it stays part of the value.
 */
export function renderDoveadmConf(options: DoveadmConfOptions, paths: DoveadmConfPaths = POD_CONF_PATHS): string {
  const problem = doveadmConfProblem(options);
  if (problem) throw new Error(problem);
  return [
    "# Rendered by oxmig; the policy pack compares it verbatim. Each credential is one value read from",
    "# a file of the mounted Secret (key = <file), so the Secret cannot add or override a setting.",
    `!include ${paths.targetConf}`,
    `imapc_host = ${options.sourceImapHost}`,
    `imapc_port = ${options.sourceImapPort}`,
    `imapc_ssl = ${options.sourceImapTls}`,
    ...(options.sourceImapTls !== "no" ? [`ssl_client_ca_dir = ${SOURCE_CA_DIR}`] : []),
    "imapc_features = rfc822.size fetch-headers",
    ...IMAPC_SECRET_KEYS.map((key) => `${key} = <${paths.secretDir}/${key}`),
    "",
  ].join("\n");
}

/** The source settings a doveadm.conf names, read back for re-rendering (undefined: not our shape). */
export function doveadmConfOptionsOf(text: string): DoveadmConfOptions | undefined {
  const value = (key: string) => new RegExp(`^${key} = (.*)$`, "m").exec(text)?.[1];
  const [host, port, tls] = ["imapc_host", "imapc_port", "imapc_ssl"].map(value);
  if (host === undefined || !/^\d{1,5}$/.test(port ?? "") || tls === undefined) return undefined;
  return { sourceImapHost: host, sourceImapPort: Number(port), sourceImapTls: tls as SourceTls };
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

/** Every line of the script is fixed except the `pair …` lines of the table; the policies compare the rest verbatim. */
export const PAIR_PREFIX = "pair ";

/** The line that opens the pairing table (pair lines follow until TABLE_END). */
export const TABLE_START = ["pairs() {", "  : the pairing table, one line per Job index, in pairings.json order"];
export const TABLE_END = "}";

/** The pair kind of a re-migration (plan `remigrate`): its line runs remigrate_pair, not run_pair's backup/sync. */
export const REMIGRATE_KIND = "remigrate";

/** The pair kinds a pair line may name (its third word). */
export const PAIR_KINDS: readonly string[] = ["fresh", "needs-state", REMIGRATE_KIND];

/** How many source UIDs one `doveadm import` names (one argv word of about 5 KB, far below Linux's 128 KiB per word). */
export const UIDS_PER_IMPORT = 500;

/**
 * The re-migration, run in the pod because what the target lacks is known only then. Checked on Dovecot
 * 2.3.19 (test/rehearsal/incident/remigrate.test.ts and hand runs; docs/incident.md, 4–5):
 * - `doveadm -f json fetch 'uid hdr.message-id'` prints one JSON array; a header value keeps its folding
 *   ("\n <id>"), two Message-ID headers are joined by "\n", tabs and quotes stay: only the JSON form is
 *   unambiguous (tab and flow print them raw). json_ids reads it with RS = '"' and keeps each value in its
 *   escaped form, which has no raw tab or newline and is the same for a message and its imported copy.
 *   No header and an empty header both read "".
 * - `-o mail=imapc: -o imapc_user=<source>` makes `mailbox list`, `mailbox status` and `fetch` read the
 *   source (folders one per line, in UTF-8) without writing into the target's home.
 * - `import -u <target> imapc: "" mailbox <folder> uid <set>` copies exactly those source messages into
 *   the same-named target folder (created when missing), whatever the two sides' UIDVALIDITY.
 * A source message is imported when no message anywhere in the target has its Message-ID (so a rerun,
 * or a message the owner moved to another folder, imports nothing twice; messages sharing one ID count
 * as one). A message without Message-ID is imported once: its folder's UIDVALIDITY, UID and folder go
 * to `<state>.imported` after its import succeeded (a pod killed between the two duplicates at most one
 * batch of them). A folder name holding a newline cannot be read from the list: doveadm then fails on
 * it and the pair fails, as does any other doveadm failure. The pair's saved state (the wrong source's)
 * is removed first, so the cut-over sync refuses the pair should `remigrate:` be dropped too early.
 */
const REMIGRATE_FUNCTIONS = [
  "json_ids() {",
  String.raw`  awk 'BEGIN { RS = "\""; inside = 0; text = ""; key = ""; uid = ""; id = ""; seen = 0 }`,
  "  !inside {",
  String.raw`    if (index($0, "}") && seen) { print uid "\t" id; uid = ""; id = ""; seen = 0 }`,
  String.raw`    value = $0 ~ /:[ \t\r\n]*$/`,
  "    inside = 1",
  "    next",
  "  }",
  "  {",
  "    text = text $0",
  String.raw`    if (match(text, /\\+$/) && RLENGTH % 2 == 1) { text = text "\""; next }`,
  "    if (!value) key = text",
  `    else if (key == "uid") { uid = text; seen = 1 }`,
  `    else if (key == "hdr.message-id") { id = text; seen = 1 }`,
  `    text = ""`,
  "    inside = 0",
  "  }'",
  "}",
  "remigrate_import() {",
  "  imported=0",
  `  "$1" -c "$conf" -f json fetch -u "$target" 'uid hdr.message-id' all < /dev/null > "$work/target.json" || return`,
  `  json_ids < "$work/target.json" > "$work/target" || return`,
  `  "$1" -c "$conf" -o mail=imapc: -o "$source_setting" mailbox list -u "$target" < /dev/null > "$work/folders" || return`,
  "  while IFS= read -r folder; do",
  `    "$1" -c "$conf" -o mail=imapc: -o "$source_setting" -f tab mailbox status -u "$target" uidvalidity "$folder" < /dev/null > "$work/status" || return`,
  // The status line is "<folder>\t<uidvalidity>": the value is the last field (a folder name may hold a tab).
  String.raw`    uv=$(awk -F '	' 'NR == 2 { print $NF }' "$work/status")`,
  `    "$1" -c "$conf" -o mail=imapc: -o "$source_setting" -f json fetch -u "$target" 'uid hdr.message-id' mailbox "$folder" all < /dev/null > "$work/source.json" || return`,
  `    json_ids < "$work/source.json" > "$work/source" || return`,
  String.raw`    oxmig_uv=$uv oxmig_folder=$folder awk 'FILENAME == ARGV[1] { held[substr($0, index($0, "\t") + 1)] = 1; next }`,
  String.raw`      FILENAME == ARGV[2] { split($0, f, "\t"); if (f[1] == ENVIRON["oxmig_uv"] && substr($0, length(f[1]) + length(f[2]) + 3) == ENVIRON["oxmig_folder"]) done[f[2]] = 1; next }`,
  String.raw`      { u = substr($0, 1, index($0, "\t") - 1); m = substr($0, index($0, "\t") + 1)`,
  `        if (m == "") { if (!(u in done)) print "n", u } else if (!(m in held)) print "m", u }' "$work/target" "$marker" "$work/source" > "$work/missing" || return`,
  "    for kind in m n; do",
  `      awk -v kind="$kind" '$1 == kind { s = s (c ? "," : "") $2; c++ } c == ${UIDS_PER_IMPORT} { print s; s = ""; c = 0 } END { if (c) print s }' "$work/missing" > "$work/sets" || return`,
  "      while IFS= read -r uids; do",
  `        "$@" mailbox "$folder" uid "$uids" < /dev/null || return`,
  String.raw`        [ "$kind" = m ] || printf '%s\n' "$uids" | tr ',' '\n' | oxmig_uv=$uv oxmig_folder=$folder awk '{ print ENVIRON["oxmig_uv"] "\t" $0 "\t" ENVIRON["oxmig_folder"] }' >> "$marker" || return`,
  `      done < "$work/sets"`,
  "    done",
  `    imported=$((imported + $(awk 'END { print NR }' "$work/missing")))`,
  `  done < "$work/folders"`,
  "}",
  "remigrate_pair() {",
  "  id=$1 state_file=$2",
  "  shift 3",
  "  conf=$3 source_setting=$5 target=$8",
  "  work=$state_file.work marker=$state_file.imported",
  "  # The saved state is the wrong source's: without it a cut-over sync of this pair refuses (exit 3).",
  '  rm -f "$state_file" "$state_file.new"',
  '  rm -rf "$work"',
  `  if mkdir "$work" && : >> "$marker" && remigrate_import "$@"; then`,
  '    echo "done $id (index $index): re-migrated, imported $imported message(s) the target lacked"',
  "    status=0",
  "  else",
  "    code=$?",
  '    echo "FAILED (exit $code): re-migration of $id (index $index)" >&2',
  "    status=1",
  "  fi",
  '  rm -rf "$work"',
  "}",
];

function preamble(wave: string, phase: WavePhase, entries: number): string[] {
  return [
    "#!/bin/sh",
    `# Rendered by oxmig for wave ${wave}, phase ${phase}. Regenerate with the stack; do not edit.`,
    "# One pod of the wave's Indexed Job per pair: JOB_COMPLETION_INDEX i runs pair line i of the table",
    "# (counting from 0) and nothing else. Each pair line: mailbox id, state file, fresh|needs-state|remigrate,",
    `# then the doveadm argv run verbatim (${STATE_PLACEHOLDER} stands for the saved state; remigrate appends its search). Protocols: core/migration-script.ts.`,
    "set -u",
    `expected=${entries}`,
    "index=${JOB_COMPLETION_INDEX-}",
    "refuse() {",
    '  echo "REFUSED: $*" >&2',
    `  exit ${REFUSED_EXIT_CODE}`,
    "}",
    // Only a plain decimal: "", "01", "+1", " 1" or "1x" never reach the table.
    "case $index in",
    `  '' | *[!0-9]* | 0?*) refuse "JOB_COMPLETION_INDEX \\"$index\\" is not a Job index (0, 1, 2 ...); run this script as a pod of the wave's Indexed Job" ;;`,
    "esac",
    ...REMIGRATE_FUNCTIONS,
    "run_pair() {",
    `  if [ "$3" = ${REMIGRATE_KIND} ]; then`,
    '    remigrate_pair "$@"',
    "    return",
    "  fi",
    "  id=$1 state_file=$2 need=$3",
    "  shift 3",
    '  state=""',
    '  if [ "$need" = needs-state ]; then',
    `    [ -s "$state_file" ] || refuse "$id has no saved state $state_file; sync without state would duplicate mail, not run"`,
    '    state=$(cat "$state_file")',
    "  else",
    "    # A copy rewrites the target: until it succeeds there is no baseline, even if this pod is killed.",
    '    rm -f "$state_file"',
    "  fi",
    `  for arg do shift; if [ "$arg" = ${shellQuote(STATE_PLACEHOLDER)} ]; then set -- "$@" "$state"; else set -- "$@" "$arg"; fi; done`,
    '  if "$@" > "$state_file.new"; then',
    '    mv "$state_file.new" "$state_file"',
    '    echo "done $id (index $index)"',
    "    status=0",
    "  else",
    "    code=$?",
    '    rm -f "$state_file.new"',
    '    echo "FAILED (exit $code): $id (index $index)" >&2',
    "    status=1",
    "  fi",
    "}",
    "pair() {",
    '  if [ "$mode" = run ] && [ "$n" = "$index" ]; then run_pair "$@"; fi',
    "  n=$((n + 1))",
    "}",
    ...TABLE_START,
  ];
}

const EPILOGUE = [
  TABLE_END,
  "mode=count n=0",
  "pairs",
  '[ "$n" -eq "$expected" ] || refuse "the pairing table has $n lines, but the Job runs $expected indexes (completions); the ConfigMap was changed outside the stack"',
  '[ "$index" -lt "$n" ] 2>/dev/null || refuse "index $index is outside the pairing table (0 to $((n - 1)))"',
  `mode=run n=0 status=${REFUSED_EXIT_CODE}`,
  "pairs",
  'exit "$status"',
  "",
];

export function renderPairLine(command: DoveadmCommand): string {
  const need = command.remigrate ? REMIGRATE_KIND : command.needsState ? "needs-state" : "fresh";
  return PAIR_PREFIX + [command.mailboxId, command.stateFile, need, ...command.argv].map(shellQuote).join(" ");
}

/** The fixed lines of the script for a table of `entries` pair lines, split where the pair lines go. */
export function scriptTemplate(wave: string, phase: WavePhase, entries: number): { head: string[]; tail: string[] } {
  return { head: preamble(wave, phase, entries), tail: [...EPILOGUE] };
}

/** A script around given pair lines (the rehearsal bends commands to show mistakes; the Job always renders through renderMigrationScript). */
export function scriptWithCommands(wave: string, phase: WavePhase, commands: readonly DoveadmCommand[]): string {
  const { head, tail } = scriptTemplate(wave, phase, commands.length);
  return [...head, ...commands.map(renderPairLine), ...tail].join("\n");
}

/** Pod paths of doveadm.conf and the state folder; the rehearsal runs the same script with its own. */
export const POD_COMMAND_PATHS: CommandPaths = { doveadmConf: MIGRATION_PATHS.doveadmConf, stateDir: MIGRATION_PATHS.stateDir };

/** migrate.sh for one wave: its table holds the phase's doveadm run per pair; index i runs pair i only. */
export function renderMigrationScript(options: MigrationScriptOptions, paths: CommandPaths = POD_COMMAND_PATHS): string {
  return scriptWithCommands(options.wave, options.phase, doveadmCommands(options.phase, options.pairings, paths));
}
