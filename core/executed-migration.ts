// The migration as executed: from a Job's spec (command/args, mounts, ConfigMap items) to the file
// sh really runs, read the way sh runs it, and for each doveadm run its EFFECTIVE source and target
// the way doveadm reads its argv (last `-o imapc_user=` and last `-u` win). The rules judge these,
// not pairings.json. Anything but the rendered form (`/bin/sh /etc/oxmig/migrate.sh`, key migrate.sh
// of the wave's ConfigMap) is a problem; inline doveadm commands are still read, to name their targets.
// The Job is an Indexed Job: pod i runs pair line i of the script's table and nothing else
// (core/migration-script.ts), so each run carries its index, the Job's indexes must be exactly the
// table's (core/indexed-job.ts), and pair i must be entry i of pairings.json, which `oxmig status`
// names failed indexes by.
// Which userdb `-u` resolves through (the Job's Dovecot sidecar) and where homes land: core/migration-auth.ts.
import { K8S, type Pairing } from "./contract";
import { isDsync, parseDoveadm } from "./doveadm-argv";
import { PHASE_ORDER, readImportArgv } from "./lifecycle";
import { appendAll } from "./append";
import { indexedJobProblems, indexVariableProblem } from "./indexed-job";
import { doveadmConfOptionsOf, MIGRATION_PATHS, PAIR_KINDS, PAIR_PREFIX, REMIGRATE_KIND, renderDoveadmConf, scriptTemplate } from "./migration-script";
import { hookProblems, homeStorage, isAuthSidecarArgv, readMigrationAuth, type HomeStorage, type PodContainer } from "./migration-auth";
import { readPodFile, type DeclaredConfigMap, type PodSecretRef, type PodView, type Unknown } from "./pod-files";
import { shellWords } from "./script-reader";

export interface ExecutedRun {
  readonly container: string;
  /** Where the run comes from: `ConfigMap pairings-w01 key migrate.sh line 37`, or an inline command. */
  readonly origin: string;
  /** The pair line's mailbox id (undefined for inline commands). */
  readonly mailboxId?: string;
  /** The Job index (JOB_COMPLETION_INDEX) whose pod runs this pair line; undefined for inline commands. */
  readonly index?: number;
  /** Effective source login: the last `-o imapc_user=`. */
  readonly sourceLogin?: string;
  /** Effective target login: the last `-u`. */
  readonly targetLogin?: string;
  /** A re-migration's import (pair kind remigrate), judged like any run; the plan must declare `remigrate:` for it. */
  readonly remigrate?: boolean;
  /** Why this run is not a plain rendered one (each one a reason to reject). */
  readonly problems: readonly string[];
}

export interface ExecutedMigration {
  readonly job: string;
  readonly wave: string;
  readonly runs: readonly ExecutedRun[];
  /** Why the Job is not exactly the rendered form or cannot be read completely (fail closed). */
  readonly problems: readonly string[];
  /** The Secret key the Job's Dovecot reads as its userdb: `-u` resolves every login through it. */
  readonly userdb?: PodSecretRef;
  /** Where a home lands in a container (the mail storage PVC, mounted whole), or why it cannot be told. */
  readonly storageAt: (container: string, home: string) => { storage?: HomeStorage; problem?: string };
}

export interface JobInput {
  /** Resource name, used when metadata carries no wave label. */
  readonly name: string;
  readonly props: unknown;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((s) => typeof s === "string") ? (v as string[]) : undefined);
const SHELLS = new Set(["sh", "bash", "dash"]);
const basename = (word: string) => word.slice(word.lastIndexOf("/") + 1);
const isShell = (word: string | undefined) => word !== undefined && SHELLS.has(basename(word));
const isDoveadm = (word: string | undefined) => word !== undefined && basename(word) === "doveadm";

/** Flags dsync knows (doveadm-dsync.c getopt plus the mail-command options); any other letter doveadm refuses or reads differently. */
const DSYNC_FLAGS = new Set(["1", "d", "D", "E", "f", "N", "P", "R", "U"]);
const PATTERN = /[*?]/;

/** Reads one doveadm argv for its effective source and target (last `-o imapc_user`, last `-u`: both checked on Dovecot 2.3). */
export function readDoveadmRun(argv: readonly string[]): Pick<ExecutedRun, "sourceLogin" | "targetLogin"> & { problems: string[] } {
  const inv = parseDoveadm(argv);
  const problems: string[] = [];
  // Any other path could be a file of the mounted ConfigMap posing as doveadm.
  if (argv[0] !== "doveadm" && !inv.problem) problems.push(`runs ${JSON.stringify(argv[0])}, not doveadm as the rendered script names it`);
  if (inv.problem) problems.push(`doveadm argv: ${inv.problem}`);
  const source = inv.settings.get("imapc_user");
  const targets = inv.optionValues.get("u") ?? [];
  const target = targets[targets.length - 1];
  if (inv.verb !== undefined && !isDsync(inv)) problems.push(`runs doveadm ${inv.verb}, not backup or sync`);
  for (const key of inv.settings.keys())
    if (key !== "imapc_user") problems.push(`sets -o ${key}=…, which the rendered script never sets (it can change which mailbox is read or written)`);
  const configs = inv.globalOptions.get("c") ?? [];
  if (configs.length !== 1 || configs[0] !== MIGRATION_PATHS.doveadmConf)
    problems.push(`reads doveadm config ${configs.length ? configs.join(", ") : "(default)"}, not ${MIGRATION_PATHS.doveadmConf}`);
  if (inv.globalOptions.has("i")) problems.push("selects another Dovecot instance (-i)");
  if (inv.verb !== undefined && source === undefined) problems.push("sets no -o imapc_user, so the source comes from a config the stack cannot read");
  const unknownFlags = [...inv.flags].filter((f) => !DSYNC_FLAGS.has(f));
  if (unknownFlags.length) problems.push(`uses option(s) ${unknownFlags.map((f) => `-${f}`).join(" ")} (-A means every user)`);
  for (const letter of ["F", "S"]) if (inv.options.has(letter)) problems.push(`uses -${letter}, which picks users or a server the script does not name`);
  if (inv.verb !== undefined && target === undefined) problems.push("names no target user (-u)");
  if (target !== undefined && PATTERN.test(target)) problems.push(`-u ${JSON.stringify(target)} is a user pattern: doveadm runs it for every matching user`);
  if (inv.verb !== undefined && (inv.positional.length !== 1 || inv.positional[0] !== "imapc:"))
    problems.push(`copies from ${JSON.stringify(inv.positional.join(" "))}, not imapc:`);
  return { ...(source !== undefined ? { sourceLogin: source } : {}), ...(target !== undefined ? { targetLogin: target } : {}), problems };
}

/**
 * A re-migration's pair line (kind remigrate): exactly the rendered `doveadm import` (core/lifecycle.ts
 * importArgv), to which the script's fixed function appends only `mailbox <folder> uid <set>`.
 */
function readImportRun(argv: readonly string[]): Pick<ExecutedRun, "sourceLogin" | "targetLogin" | "remigrate"> & { problems: string[] } {
  const read = readImportArgv(argv);
  const problems = read.problem ? [`re-migration ${read.problem}`] : [];
  if (read.doveadmConf !== undefined && read.doveadmConf !== MIGRATION_PATHS.doveadmConf)
    problems.push(`reads doveadm config ${read.doveadmConf}, not ${MIGRATION_PATHS.doveadmConf}`);
  return {
    remigrate: true,
    ...(read.sourceLogin !== undefined ? { sourceLogin: read.sourceLogin } : {}),
    ...(read.targetLogin !== undefined ? { targetLogin: read.targetLogin } : {}),
    problems,
  };
}

/** Where the script's table lies and why the rest is not the rendered script of one phase (undefined: it is). */
function templateMisfit(lines: readonly string[], wave: string, entries: number): { head: number; misfit?: string } {
  const misfits = PHASE_ORDER.map((phase) => {
    const { head, tail } = scriptTemplate(wave, phase, entries);
    const length = head.length + entries + tail.length;
    if (lines.length !== length) return { head: head.length, misfit: `it has ${lines.length} lines, the rendered script for ${entries} pairs ${length}` };
    const differs = (at: number, want: string, part: string) =>
      lines[at] !== want ? `line ${at + 1} is not the rendered ${part} (${JSON.stringify(lines[at]!.slice(0, 80))})` : undefined;
    for (let i = 0; i < head.length; i++) {
      const d = differs(i, head[i]!, "preamble");
      if (d) return { head: head.length, misfit: d };
    }
    for (let i = 0; i < tail.length; i++) {
      const d = differs(head.length + entries + i, tail[i]!, "epilogue");
      if (d) return { head: head.length, misfit: d };
    }
    return { head: head.length };
  });
  return misfits.find((m) => m.misfit === undefined) ?? misfits[0]!;
}

/**
 * The pair lines of a script when every other line is the rendered template's: a head ending where the
 * table starts, exactly `entries` pair lines, then the epilogue. Pair line i (from 0) is what the pod of
 * Job index i runs (`pair` runs only when its counter equals the index).
 */
function readScript(text: string, wave: string, where: string, container: string): { runs: ExecutedRun[]; problems: string[]; entries?: number } {
  const lines = text.split("\n");
  const entries = lines.filter((l) => l.startsWith(PAIR_PREFIX)).length;
  const { head, misfit } = templateMisfit(lines, wave, entries);
  if (misfit) return { runs: [], problems: [`${where} is not a script this project renders for wave ${wave}: ${misfit}`] };
  const runs: ExecutedRun[] = [];
  const problems: string[] = [];
  for (let index = 0; index < entries; index++) {
    const n = head + index;
    // The template matched around exactly `entries` lines, all of them pair lines.
    const origin = `${where} line ${n + 1}, Job index ${index}`;
    const { words, problem } = shellWords(lines[n]!);
    const [, mailboxId, stateFile, need, ...argv] = words;
    if (problem || mailboxId === undefined || stateFile === undefined || !PAIR_KINDS.includes(need ?? "") || argv.length === 0) {
      problems.push(
        `${origin} is not "pair <mailbox id> <state file> ${PAIR_KINDS.join("|")} <doveadm argv…>" of plain words and '…' strings${problem ? ` (${problem})` : ""}`,
      );
      continue;
    }
    const run = need === REMIGRATE_KIND ? readImportRun(argv) : readDoveadmRun(argv);
    // Another mailbox's state would make its cut-over sync start from the wrong baseline.
    if (stateFile !== `${MIGRATION_PATHS.stateDir}/${mailboxId}.state`)
      run.problems.push(`keeps its state in ${stateFile}, not ${MIGRATION_PATHS.stateDir}/${mailboxId}.state`);
    runs.push({ container, origin, mailboxId, index, ...run });
  }
  return { runs, problems, entries };
}

/** Splits an `sh -c` string into simple commands at unquoted `;`, `&`, `|` and newlines. */
function simpleCommands(text: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (!quoted && ch === "\\" && text[i + 1] === "'") {
      current += "\\'";
      i++;
      continue;
    }
    if (ch === "'") quoted = !quoted;
    if (!quoted && (ch === ";" || ch === "&" || ch === "|" || ch === "\n")) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

interface Reading {
  readonly runs: ExecutedRun[];
  readonly problems: string[];
  /** The script files sh runs (ConfigMap name and key, and the size of its pairing table when it is the rendered script). */
  readonly scripts: { configMap: DeclaredConfigMap; key: string; entries?: number }[];
}

function readArgv(argv: readonly string[], view: PodView, wave: string, container: string, depth: number): Reading {
  const out: Reading = { runs: [], problems: [], scripts: [] };
  const [program, ...rest] = argv;
  if (isShell(program) && rest.length === 1 && !rest[0]!.startsWith("-")) {
    const { file, problem } = readPodFile(view, rest[0]!);
    if (!file) return { ...out, problems: [`container ${container} runs ${rest[0]}, which cannot be read: ${problem}`] };
    const read = readScript(file.text, str(file.configMap.labels[K8S.labelWave]) ?? wave, `ConfigMap ${file.configMap.name} key ${file.key}`, container);
    return {
      runs: read.runs,
      problems: read.problems,
      scripts: [{ configMap: file.configMap, key: file.key, ...(read.entries !== undefined ? { entries: read.entries } : {}) }],
    };
  }
  if (isShell(program) && rest[0] === "-c" && rest[1] !== undefined && depth === 0) {
    for (const command of simpleCommands(rest[1])) {
      const { words, problem } = shellWords(command);
      if (problem) {
        out.problems.push(`container ${container} runs an inline command that cannot be read (${problem}): ${JSON.stringify(command.slice(0, 80))}`);
        continue;
      }
      const inner = readArgv(words[0] === "exec" ? words.slice(1) : words, view, wave, container, depth + 1);
      appendAll(out.runs, inner.runs);
      appendAll(out.problems, inner.problems);
      appendAll(out.scripts, inner.scripts);
    }
    return out;
  }
  if (isDoveadm(program)) return { ...out, runs: [{ container, origin: `an inline command of container ${container}`, ...readDoveadmRun(argv) }] };
  return {
    ...out,
    problems: [`container ${container} runs ${JSON.stringify(argv.join(" ").slice(0, 120))}, which is neither the rendered script nor a doveadm command`],
  };
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function containsUnknown(value: unknown, isUnknown: Unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some((v) => containsUnknown(v, isUnknown));
  const o = obj(value);
  return o !== undefined && Object.values(o).some((v) => containsUnknown(v, isUnknown));
}

/** Does doveadm.conf, as the container sees it, come from `configMap` and have the rendered shape? */
function checkDoveadmConf(view: PodView, configMap: DeclaredConfigMap, container: string): string | undefined {
  const { file, problem } = readPodFile(view, MIGRATION_PATHS.doveadmConf);
  if (!file) return `container ${container} reads ${MIGRATION_PATHS.doveadmConf}, which cannot be read: ${problem}`;
  if (file.configMap !== configMap || file.key !== "doveadm.conf")
    return `container ${container} reads ${MIGRATION_PATHS.doveadmConf} from ConfigMap ${file.configMap.name} key ${file.key}, not key doveadm.conf of ${configMap.name}`;
  // Re-rendered from the source settings it names: any other line (an !include of a file the stack does
  // not render, a credential that is not a plain `<file` value, mail_location …) is a difference.
  const options = doveadmConfOptionsOf(file.text);
  let rendered: string | undefined;
  try {
    rendered = options && renderDoveadmConf(options);
  } catch {
    rendered = undefined;
  }
  return rendered === file.text
    ? undefined
    : `ConfigMap ${configMap.name} key doveadm.conf is not the rendered doveadm config (it decides where doveadm writes and which source it reads)`;
}

/** pairings.json of the wave's ConfigMap, as the list `oxmig status` and the lifecycle rules index by. */
function pairingTable(configMap: DeclaredConfigMap, isUnknown: Unknown): { table?: Pairing[]; problem?: string } {
  const raw = configMap.data[K8S.pairingsDataKey];
  if (isUnknown(raw) || typeof raw !== "string") return { problem: `${K8S.pairingsDataKey} of ConfigMap ${configMap.name} is unknown at preview or missing` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const fields = ["mailboxId", "sourceLogin", "targetLogin"] as const;
  if (!Array.isArray(parsed) || !parsed.every((p) => obj(p) && fields.every((f) => typeof obj(p)![f] === "string"))) {
    return { problem: `${K8S.pairingsDataKey} of ConfigMap ${configMap.name} is not a list of pairs` };
  }
  return { table: parsed as Pairing[] };
}

/**
 * Index i must run the mailbox of entry i of pairings.json. Only the mailbox id is compared: the rule
 * ties a pair line's id to its target login and judges its source against the exports, so what is left
 * for the index is which mailbox it stands for (a reordered table names the wrong one in `oxmig status`).
 */
function indexProblems(runs: readonly ExecutedRun[], table: readonly Pairing[]): void {
  for (const run of runs) {
    if (run.index === undefined) continue;
    const entry = table[run.index];
    const problems = run.problems as string[];
    if (!entry) problems.push(`Job index ${run.index} has no entry in ${K8S.pairingsDataKey} (${table.length} pairs)`);
    else if (run.mailboxId !== entry.mailboxId) {
      problems.push(
        `Job index ${run.index} runs the pair line of mailbox id ${run.mailboxId ?? "?"}, but entry ${run.index} of ${K8S.pairingsDataKey} is mailbox id ${entry.mailboxId} (${entry.targetLogin}): index i must run pair i, or oxmig status and the lifecycle rules name another mailbox for it`,
      );
    }
  }
}

/** What a migration Job really runs, read from its spec and the stack's ConfigMaps. */
export function readExecutedMigration(job: JobInput, configMaps: readonly DeclaredConfigMap[], isUnknown: Unknown = () => false): ExecutedMigration {
  const props = obj(job.props) ?? {};
  const metadata = obj(props.metadata) ?? {};
  const wave = str(obj(metadata.labels)?.[K8S.labelWave]) ?? job.name.replace(/^migrate-/, "");
  const namespace = str(metadata.namespace);
  const pod = obj(obj(obj(props.spec)?.template)?.spec) ?? {};
  const base = { job: job.name, wave, storageAt: () => ({ problem: "the Job's pod spec cannot be read" }) };
  const containers = [...(Array.isArray(pod.initContainers) ? pod.initContainers : []), ...(Array.isArray(pod.containers) ? pod.containers : [])].map(obj);
  if (containers.length === 0 || containers.some((c) => c === undefined))
    return { ...base, runs: [], problems: ["the Job's pod spec has no readable containers"] };
  const readable = containers.map((c) => ({ command: c!.command, args: c!.args, volumeMounts: c!.volumeMounts }));
  if (containsUnknown([readable, pod.volumes], isUnknown))
    return { ...base, runs: [], problems: ["the Job's containers or volumes are unknown at preview; what it runs must be known"] };
  const waveMaps = configMaps.filter((c) => c.labels[K8S.labelWave] === wave && c.namespace === namespace && K8S.pairingsDataKey in c.data);
  const problems: string[] = [];
  if (waveMaps.length !== 1) problems.push(`${waveMaps.length} pairing ConfigMaps are labelled for wave ${wave}, expected one`);
  const runs: ExecutedRun[] = [];
  const initCount = Array.isArray(pod.initContainers) ? pod.initContainers.length : 0;
  const seen: PodContainer[] = [];
  const sidecars: PodContainer[] = [];
  const doveadmContainers: PodContainer[] = [];
  const scriptsRun: Reading["scripts"] = [];
  for (const [index, container] of (containers as Obj[]).entries()) {
    const name = str(container.name) ?? "(unnamed)";
    const view: PodView = {
      container,
      volumes: Array.isArray(pod.volumes) ? pod.volumes : [],
      ...(namespace !== undefined ? { namespace } : {}),
      configMaps,
      isUnknown,
    };
    const met: PodContainer = { name, container, view, init: index < initCount };
    seen.push(met);
    const command = strings(container.command);
    const args = container.args === undefined ? [] : strings(container.args);
    if (!command || !args) {
      problems.push(`container ${name} has no command of strings, so it runs the image's entrypoint, which the stack cannot read`);
      continue;
    }
    // Environment can change what runs (PATH, $(VAR) below) and which index a pod runs; the rendered Job sets none.
    const indexOverride = indexVariableProblem(name, container.env);
    if (indexOverride) problems.push(indexOverride);
    if (container.env !== undefined || container.envFrom !== undefined)
      problems.push(`container ${name} sets environment variables (env/envFrom), which the rendered Job never does`);
    const argv = [...command, ...args];
    appendAll(problems, hookProblems(name, container, isAuthSidecarArgv(argv)));
    if (argv.some((a) => a.includes("$("))) {
      problems.push(`container ${name} uses $(…) in its command, which Kubernetes replaces with environment values`);
      continue;
    }
    if (isAuthSidecarArgv(argv)) {
      sidecars.push(met);
      continue;
    }
    const read = readArgv(argv, view, wave, name, 0);
    appendAll(scriptsRun, read.scripts);
    appendAll(runs, read.runs);
    appendAll(problems, read.problems);
    if (read.runs.length) doveadmContainers.push(met);
    const rendered = argv.length === 2 && argv[0] === "/bin/sh" && argv[1] === MIGRATION_PATHS.script;
    const script = read.scripts[0];
    const own = waveMaps.length === 1 && script !== undefined && script.configMap === waveMaps[0] && script.key === "migrate.sh";
    if (!rendered || !own || read.scripts.length !== 1) {
      const what = read.scripts.length ? read.scripts.map((s) => `key ${s.key} of ConfigMap ${s.configMap.name}`).join(", ") : "no script file";
      problems.push(
        `container ${name} runs ${JSON.stringify(argv.join(" ").slice(0, 120))} (${what}), not ["/bin/sh", "${MIGRATION_PATHS.script}"] with key migrate.sh of the wave's ConfigMap, so the lifecycle rules did not read what it runs`,
      );
    }
    if (script && read.runs.length) {
      const confProblem = checkDoveadmConf(view, script.configMap, name);
      if (confProblem) problems.push(confProblem);
    }
  }
  // Which pair each index runs: the Job's indexes against the table of the one script it runs.
  const scripts = scriptsRun.filter((sc) => sc.entries !== undefined);
  if (scripts.length === 1) {
    const { entries } = scripts[0]!;
    const idAt = new Map(runs.map((r) => [r.index, r.mailboxId]));
    const name = (i: number) => `index ${i}${idAt.get(i) ? ` (mailbox ${idAt.get(i)})` : ""}`;
    appendAll(problems, indexedJobProblems(obj(props.spec), entries!, name));
    const table = pairingTable(scripts[0]!.configMap, isUnknown);
    if (table.problem) problems.push(`which mailbox each index runs cannot be compared with the pairing table: ${table.problem}`);
    else {
      if (table.table!.length !== entries)
        problems.push(`${K8S.pairingsDataKey} of ConfigMap ${scripts[0]!.configMap.name} has ${table.table!.length} pairs, but migrate.sh's table ${entries}`);
      indexProblems(runs, table.table!);
    }
  } else if (scripts.length > 1) problems.push(`the Job runs ${scripts.length} rendered scripts, so which pair each index runs cannot be told`);
  const auth = readMigrationAuth(sidecars, doveadmContainers, waveMaps.length === 1 ? waveMaps[0] : undefined);
  appendAll(problems, auth.problems);
  const storageAt = (container: string, home: string) => {
    const c = seen.find((m) => m.name === container);
    return c ? homeStorage(c, home) : { problem: `the Job has no container ${container}` };
  };
  return { ...base, runs, problems, ...(auth.userdb ? { userdb: auth.userdb } : {}), storageAt };
}
