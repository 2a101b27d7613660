// Through what the migration Job's doveadm resolves `-u <login>`: doveadm asks the auth service of the
// Job's Dovecot sidecar over `<base_dir>/auth-userdb`, and that Dovecot reads the passwd-file its
// dovecot.conf names. So, read the way the kubelet and Dovecot do: the sidecar must be the rendered
// one, every Dovecot configuration in the pod the rendered one (it could otherwise change the lookup:
// auth_username_format, a second userdb, mail_home …), base_dir one emptyDir shared by sidecar and
// doveadm (no other process can answer there), and the userdb file one Secret key, which the rule
// then ties to the target's context. The mail storage: each home lands in a PVC mount without subPath.
import { AUTH_SIDECAR, DOVECOT_CONF_KEY, mailAccountOf, MIGRATION_DOVECOT_PATHS, renderMigrationDovecotConf } from "./migration-dovecot";
import { mountAt, readPodFile, readPodSecretRef, type DeclaredConfigMap, type PodSecretRef, type PodView } from "./pod-files";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** A container of the Job as the reader met it. */
export interface PodContainer {
  readonly name: string;
  readonly container: Obj;
  readonly view: PodView;
  /** Declared under initContainers. */
  readonly init: boolean;
}

export interface MigrationAuth {
  /** The Secret key the sidecar's Dovecot reads as its userdb, when it could be told. */
  readonly userdb?: PodSecretRef;
  readonly problems: readonly string[];
}

/** Same JSON value, key order aside (how two declared objects compare). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  const [oa, ob] = [obj(a), obj(b)];
  if (oa || ob) {
    if (!oa || !ob) return false;
    const keys = Object.keys(oa);
    return keys.length === Object.keys(ob).length && keys.every((k) => k in ob && sameValue(oa[k], ob[k]));
  }
  return a === b;
}

export const isAuthSidecarArgv = (argv: readonly string[]): boolean => sameValue(argv, AUTH_SIDECAR.command);

/** Probes and hooks run commands in the container; only the sidecar's rendered startup probe is allowed. */
export function hookProblems(name: string, container: Obj, sidecar: boolean): string[] {
  const problems: string[] = [];
  for (const field of ["lifecycle", "livenessProbe", "readinessProbe"]) {
    if (container[field] !== undefined) problems.push(`container ${name} declares ${field}, which can run commands the pack does not read`);
  }
  const probe = container.startupProbe;
  if (probe !== undefined && !(sidecar && sameValue(probe, AUTH_SIDECAR.startupProbe))) {
    problems.push(`container ${name} declares a startupProbe that is not the auth sidecar's rendered one (it can run commands the pack does not read)`);
  }
  return problems;
}

/** Is the Dovecot configuration this container reads the wave's rendered one? */
function confProblem(c: PodContainer, waveConfigMap: DeclaredConfigMap | undefined): string | undefined {
  const path = MIGRATION_DOVECOT_PATHS.conf;
  const { file, problem } = readPodFile(c.view, path);
  if (!file) return `container ${c.name} reads its Dovecot configuration ${path}, which cannot be read: ${problem}`;
  if (!waveConfigMap || file.configMap !== waveConfigMap || file.key !== DOVECOT_CONF_KEY) {
    return `container ${c.name} reads ${path} from ConfigMap ${file.configMap.name} key ${file.key}, not key ${DOVECOT_CONF_KEY} of the wave's ConfigMap`;
  }
  const account = mailAccountOf(file.text);
  let rendered: string | undefined;
  try {
    rendered = account && renderMigrationDovecotConf(account);
  } catch {
    rendered = undefined;
  }
  return rendered === file.text
    ? undefined
    : `ConfigMap ${file.configMap.name} key ${DOVECOT_CONF_KEY} is not the rendered Dovecot configuration (it decides how doveadm -u resolves a login)`;
}

/** The volume at base_dir: must be an emptyDir, mounted whole. */
function baseDirVolume(c: PodContainer): { volume?: string; problem?: string } {
  const { found, problem } = mountAt(c.view, MIGRATION_DOVECOT_PATHS.baseDir);
  if (!found) return { problem: `container ${c.name} has no volume at ${MIGRATION_DOVECOT_PATHS.baseDir}: ${problem}` };
  if (found.mountPath !== MIGRATION_DOVECOT_PATHS.baseDir || found.rel !== "" || !obj(found.volume.emptyDir)) {
    return {
      problem: `container ${c.name} sees ${MIGRATION_DOVECOT_PATHS.baseDir} in volume "${String(found.volume.name)}" (at ${found.mountPath || "/"}${found.rel ? `, path ${found.rel}` : ""}), not in a whole emptyDir the pod owns: another Dovecot could answer doveadm's userdb lookups there`,
    };
  }
  return { volume: str(found.volume.name)! };
}

/** Reads the sidecar and every Dovecot configuration of the pod (fail closed: each doubt is a problem). */
export function readMigrationAuth(
  sidecars: readonly PodContainer[],
  doveadmContainers: readonly PodContainer[],
  waveConfigMap: DeclaredConfigMap | undefined,
): MigrationAuth {
  const problems: string[] = [];
  for (const s of sidecars) {
    if (!s.init || s.container.restartPolicy !== "Always")
      problems.push(`container ${s.name} runs Dovecot, but not as a native sidecar (an init container with restartPolicy Always)`);
  }
  if (doveadmContainers.length === 0) return { problems };
  if (sidecars.length !== 1) {
    return {
      problems: [
        ...problems,
        `${sidecars.length} containers run the auth sidecar ${JSON.stringify(AUTH_SIDECAR.command.join(" "))}, expected one: which userdb doveadm -u resolves logins through cannot be told`,
      ],
    };
  }
  const sidecar = sidecars[0]!;
  for (const c of [sidecar, ...doveadmContainers]) {
    const problem = confProblem(c, waveConfigMap);
    if (problem) problems.push(problem);
  }
  const shared = baseDirVolume(sidecar);
  if (shared.problem) problems.push(shared.problem);
  for (const c of doveadmContainers) {
    const own = baseDirVolume(c);
    if (own.problem) problems.push(own.problem);
    else if (shared.volume !== undefined && own.volume !== shared.volume)
      problems.push(`container ${c.name} sees ${MIGRATION_DOVECOT_PATHS.baseDir} in volume "${own.volume}", not the auth sidecar's "${shared.volume}"`);
  }
  const { secret, problem } = readPodSecretRef(sidecar.view, MIGRATION_DOVECOT_PATHS.userdb);
  if (!secret) problems.push(`the auth sidecar's userdb ${MIGRATION_DOVECOT_PATHS.userdb} cannot be told: ${problem}`);
  return { ...(secret ? { userdb: secret } : {}), problems };
}

/** Where a home lands in a container: a PersistentVolumeClaim mounted whole (a subPath could map one home onto another's directory). */
export interface HomeStorage {
  readonly claim: string;
  readonly mountPath: string;
}

export function homeStorage(c: PodContainer, home: string): { storage?: HomeStorage; problem?: string } {
  const { found, problem } = mountAt(c.view, home);
  if (!found) return { problem: `home ${home} is not on a mounted volume in container ${c.name}: ${problem}` };
  const claim = obj(found.volume.persistentVolumeClaim)?.claimName;
  if (str(claim) === undefined || c.view.isUnknown(claim))
    return {
      problem: `home ${home} lands in volume "${String(found.volume.name)}" of container ${c.name}, which is not a PersistentVolumeClaim with a known name`,
    };
  if ((str(found.mount.subPath) ?? "") !== "")
    return {
      problem: `home ${home} lands in PVC ${String(claim)} through the mount at ${found.mountPath} with subPath "${String(found.mount.subPath)}", which can put one home onto another's directory`,
    };
  return { storage: { claim: str(claim)!, mountPath: found.mountPath } };
}
