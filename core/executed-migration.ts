// The migration as executed: from a Job's spec (command/args, mounts, ConfigMap items) to the file
// sh really runs, read the way sh runs it, and for each doveadm run its EFFECTIVE source and target
// the way doveadm reads its argv (last `-o imapc_user=` and last `-u` win). The rules judge these,
// not pairings.json. Anything but the rendered form (`/bin/sh /etc/oxmig/migrate.sh`, key migrate.sh
// of the wave's ConfigMap) is a problem; inline doveadm commands are still read, to name their targets.
// Which userdb `-u` resolves through (the Job's Dovecot sidecar) and where homes land: core/migration-auth.ts.
import { K8S } from "./contract";
import { isDsync, parseDoveadm } from "./doveadm-argv";
import { PHASE_ORDER } from "./lifecycle";
import { appendAll } from "./append";
import { MIGRATION_PATHS, renderDoveadmConf, renderMigrationScript } from "./migration-script";
import { hookProblems, homeStorage, isAuthSidecarArgv, readMigrationAuth, type HomeStorage, type PodContainer } from "./migration-auth";
import { readPodFile, type DeclaredConfigMap, type PodSecretRef, type PodView, type Unknown } from "./pod-files";
import { shellWords } from "./script-reader";

export interface ExecutedRun {
  readonly container: string;
  /** Where the run comes from: `ConfigMap pairings-w01 key migrate.sh line 37`, or an inline command. */
  readonly origin: string;
  /** The pair line's mailbox id (undefined for inline commands). */
  readonly mailboxId?: string;
  /** Effective source login: the last `-o imapc_user=`. */
  readonly sourceLogin?: string;
  /** Effective target login: the last `-u`. */
  readonly targetLogin?: string;
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
  for (const key of inv.settings.keys()) if (key !== "imapc_user") problems.push(`sets -o ${key}=…, which the rendered script never sets (it can change which mailbox is read or written)`);
  const configs = inv.globalOptions.get("c") ?? [];
  if (configs.length !== 1 || configs[0] !== MIGRATION_PATHS.doveadmConf) problems.push(`reads doveadm config ${configs.length ? configs.join(", ") : "(default)"}, not ${MIGRATION_PATHS.doveadmConf}`);
  if (inv.globalOptions.has("i")) problems.push("selects another Dovecot instance (-i)");
  if (inv.verb !== undefined && source === undefined) problems.push("sets no -o imapc_user, so the source comes from a config the stack cannot read");
  const unknownFlags = [...inv.flags].filter((f) => !DSYNC_FLAGS.has(f));
  if (unknownFlags.length) problems.push(`uses option(s) ${unknownFlags.map((f) => `-${f}`).join(" ")} (-A means every user)`);
  for (const letter of ["F", "S"]) if (inv.options.has(letter)) problems.push(`uses -${letter}, which picks users or a server the script does not name`);
  if (inv.verb !== undefined && target === undefined) problems.push("names no target user (-u)");
  if (target !== undefined && PATTERN.test(target)) problems.push(`-u ${JSON.stringify(target)} is a user pattern: doveadm runs it for every matching user`);
  if (inv.verb !== undefined && (inv.positional.length !== 1 || inv.positional[0] !== "imapc:")) problems.push(`copies from ${JSON.stringify(inv.positional.join(" "))}, not imapc:`);
  return { ...(source !== undefined ? { sourceLogin: source } : {}), ...(target !== undefined ? { targetLogin: target } : {}), problems };
}

let templateCache: { wave: string; split: number; templates: string[][] } | undefined;

/** The rendered script's fixed lines for `wave` in each phase, and where its pair lines go. */
function templatesFor(wave: string): { split: number; templates: string[][] } {
  if (templateCache?.wave === wave) return templateCache;
  const probe = renderMigrationScript({ wave, phase: "copying", pairings: [{ mailboxId: "probe", sourceLogin: "s", sourceExchangeGuid: "g", targetLogin: "t" }] }).split("\n");
  const split = probe.findIndex((l) => l.startsWith("pair "));
  const templates = PHASE_ORDER.map((phase) => renderMigrationScript({ wave, phase, pairings: [] }).split("\n"));
  templateCache = { wave, split, templates };
  return templateCache;
}

/** The pair lines of a script, when every other line is the rendered template's (pair lines only between preamble and epilogue). */
function readScript(text: string, wave: string, where: string, container: string): { runs: ExecutedRun[]; problems: string[] } {
  const lines = text.split("\n");
  const { split, templates } = templatesFor(wave);
  const fits = (t: string[]) => {
    const tail = t.length - split;
    if (lines.length < t.length) return `it has ${lines.length} lines, fewer than the rendered script's ${t.length}`;
    for (let i = 0; i < split; i++) if (lines[i] !== t[i]) return `line ${i + 1} is not the rendered preamble (${JSON.stringify(lines[i]!.slice(0, 80))})`;
    for (let i = 0; i < tail; i++) {
      const n = lines.length - tail + i;
      if (lines[n] !== t[split + i]) return `line ${n + 1} is not the rendered epilogue (${JSON.stringify(lines[n]!.slice(0, 80))})`;
    }
    for (let n = split; n < lines.length - tail; n++) if (!lines[n]!.startsWith("pair ")) return `line ${n + 1} between the preamble and the epilogue is not a pair line`;
    return undefined;
  };
  const misfits = templates.map(fits);
  if (misfits.every((m) => m !== undefined)) return { runs: [], problems: [`${where} is not a script this project renders for wave ${wave}: ${misfits[0]}`] };
  const tail = templates[misfits.indexOf(undefined)]!.length - split;
  const runs: ExecutedRun[] = [];
  const problems: string[] = [];
  for (let n = split; n < lines.length - tail; n++) {
    const origin = `${where} line ${n + 1}`;
    const { words, problem } = shellWords(lines[n]!);
    const [, mailboxId, stateFile, need, ...argv] = words;
    if (problem || mailboxId === undefined || stateFile === undefined || (need !== "fresh" && need !== "needs-state") || argv.length === 0) {
      problems.push(`${origin} is not "pair <mailbox id> <state file> fresh|needs-state <doveadm argv…>" of plain words and '…' strings${problem ? ` (${problem})` : ""}`);
      continue;
    }
    const run = readDoveadmRun(argv);
    // Another mailbox's state would make its cut-over sync start from the wrong baseline.
    if (stateFile !== `${MIGRATION_PATHS.stateDir}/${mailboxId}.state`) run.problems.push(`keeps its state in ${stateFile}, not ${MIGRATION_PATHS.stateDir}/${mailboxId}.state`);
    runs.push({ container, origin, mailboxId, ...run });
  }
  return { runs, problems };
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
  /** The script files sh runs (ConfigMap name and key). */
  readonly scripts: { configMap: DeclaredConfigMap; key: string }[];
}

function readArgv(argv: readonly string[], view: PodView, wave: string, container: string, depth: number): Reading {
  const out: Reading = { runs: [], problems: [], scripts: [] };
  const [program, ...rest] = argv;
  if (isShell(program) && rest.length === 1 && !rest[0]!.startsWith("-")) {
    const { file, problem } = readPodFile(view, rest[0]!);
    if (!file) return { ...out, problems: [`container ${container} runs ${rest[0]}, which cannot be read: ${problem}`] };
    const read = readScript(file.text, str(file.configMap.labels[K8S.labelWave]) ?? wave, `ConfigMap ${file.configMap.name} key ${file.key}`, container);
    return { runs: read.runs, problems: read.problems, scripts: [{ configMap: file.configMap, key: file.key }] };
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
  return { ...out, problems: [`container ${container} runs ${JSON.stringify(argv.join(" ").slice(0, 120))}, which is neither the rendered script nor a doveadm command`] };
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
  if (file.configMap !== configMap || file.key !== "doveadm.conf") return `container ${container} reads ${MIGRATION_PATHS.doveadmConf} from ConfigMap ${file.configMap.name} key ${file.key}, not key doveadm.conf of ${configMap.name}`;
  const host = /^imapc_host = (.*)$/m.exec(file.text)?.[1] ?? "";
  let rendered: string | undefined;
  try {
    rendered = renderDoveadmConf({ sourceImapHost: host });
  } catch {
    rendered = undefined;
  }
  return rendered === file.text ? undefined : `ConfigMap ${configMap.name} key doveadm.conf is not the rendered doveadm config`;
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
  if (containers.length === 0 || containers.some((c) => c === undefined)) return { ...base, runs: [], problems: ["the Job's pod spec has no readable containers"] };
  const readable = containers.map((c) => ({ command: c!.command, args: c!.args, volumeMounts: c!.volumeMounts }));
  if (containsUnknown([readable, pod.volumes], isUnknown)) return { ...base, runs: [], problems: ["the Job's containers or volumes are unknown at preview; what it runs must be known"] };
  const waveMaps = configMaps.filter((c) => c.labels[K8S.labelWave] === wave && c.namespace === namespace && K8S.pairingsDataKey in c.data);
  const problems: string[] = [];
  if (waveMaps.length !== 1) problems.push(`${waveMaps.length} pairing ConfigMaps are labelled for wave ${wave}, expected one`);
  const runs: ExecutedRun[] = [];
  const initCount = Array.isArray(pod.initContainers) ? pod.initContainers.length : 0;
  const seen: PodContainer[] = [];
  const sidecars: PodContainer[] = [];
  const doveadmContainers: PodContainer[] = [];
  for (const [index, container] of (containers as Obj[]).entries()) {
    const name = str(container.name) ?? "(unnamed)";
    const view: PodView = { container, volumes: Array.isArray(pod.volumes) ? pod.volumes : [], ...(namespace !== undefined ? { namespace } : {}), configMaps, isUnknown };
    const met: PodContainer = { name, container, view, init: index < initCount };
    seen.push(met);
    const command = strings(container.command);
    const args = container.args === undefined ? [] : strings(container.args);
    if (!command || !args) {
      problems.push(`container ${name} has no command of strings, so it runs the image's entrypoint, which the stack cannot read`);
      continue;
    }
    // Environment can change what runs (PATH, $(VAR) below); the rendered Job sets none.
    if (container.env !== undefined || container.envFrom !== undefined) problems.push(`container ${name} sets environment variables (env/envFrom), which the rendered Job never does`);
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
    appendAll(runs, read.runs);
    appendAll(problems, read.problems);
    if (read.runs.length) doveadmContainers.push(met);
    const rendered = argv.length === 2 && argv[0] === "/bin/sh" && argv[1] === MIGRATION_PATHS.script;
    const script = read.scripts[0];
    const own = waveMaps.length === 1 && script !== undefined && script.configMap === waveMaps[0] && script.key === "migrate.sh";
    if (!rendered || !own || read.scripts.length !== 1) {
      const what = read.scripts.length ? read.scripts.map((s) => `key ${s.key} of ConfigMap ${s.configMap.name}`).join(", ") : "no script file";
      problems.push(`container ${name} runs ${JSON.stringify(argv.join(" ").slice(0, 120))} (${what}), not ["/bin/sh", "${MIGRATION_PATHS.script}"] with key migrate.sh of the wave's ConfigMap, so the lifecycle rules did not read what it runs`);
    }
    if (script && read.runs.length) {
      const confProblem = checkDoveadmConf(view, script.configMap, name);
      if (confProblem) problems.push(confProblem);
    }
  }
  const auth = readMigrationAuth(sidecars, doveadmContainers, waveMaps.length === 1 ? waveMaps[0] : undefined);
  appendAll(problems, auth.problems);
  const storageAt = (container: string, home: string) => {
    const c = seen.find((m) => m.name === container);
    return c ? homeStorage(c, home) : { problem: `the Job has no container ${container}` };
  };
  return { ...base, runs, problems, ...(auth.userdb ? { userdb: auth.userdb } : {}), storageAt };
}
