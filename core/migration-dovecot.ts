// The migration Job's own Dovecot: `doveadm -u <login>` asks Dovecot's auth service for the userdb
// entry (home, mail_crypt key password) over the socket `<base_dir>/auth-userdb`; without a running
// auth service it exits 75 (checked on Dovecot 2.3.19 here). So the Job runs one Dovecot master as a
// sidecar, with no protocols, reading the context's passwd-file, and doveadm reads the same file's
// mail settings. Everything here is pure text; the pack re-renders it to compare (core/migration-auth.ts).
import { MAIL_CRYPT_SETTINGS, passwdFileUserdb, TARGET_MAIL_SETTINGS } from "./dovecot-settings";
import { MIGRATION_PATHS } from "./migration-script";

/** Fixed paths inside the Job's containers (the pack checks the Job's mounts against them). */
export const MIGRATION_DOVECOT_PATHS = {
  /** Mount point of the Dovecot configuration (ConfigMap key `dovecot.conf`; the sidecar also gets the userdb here). */
  confDir: "/etc/dovecot",
  /** doveadm.conf includes this file (core/migration-script.ts). */
  conf: MIGRATION_PATHS.targetConf,
  /** The context's passwd-file (userdb Secret key `passwd`), mounted into the sidecar only. */
  userdb: "/etc/dovecot/userdb",
  /** Sockets: an emptyDir both containers share, so doveadm reaches the sidecar's auth service. */
  baseDir: "/run/dovecot",
  /** doveadm's temporary files (mail_temp_dir); the root filesystem is read-only. */
  tmp: "/tmp",
} as const;

/** Key of the rendered configuration in the wave's ConfigMap. */
export const DOVECOT_CONF_KEY = "dovecot.conf";

/** The account that owns the mail storage; Dovecot and doveadm run as it (never root). */
export interface MailAccount {
  /** User name, which must exist in the image's /etc/passwd with `uid` (Dovecot looks service users up by name). */
  readonly user: string;
  readonly group: string;
  readonly uid: number;
  readonly gid: number;
}

/** Paths that differ only when a test runs the rendered configuration outside a pod. */
export interface DovecotRuntimePaths {
  readonly userdb: string;
  readonly baseDir: string;
  readonly logPath: string;
}

export const POD_RUNTIME_PATHS: DovecotRuntimePaths = {
  userdb: MIGRATION_DOVECOT_PATHS.userdb,
  baseDir: MIGRATION_DOVECOT_PATHS.baseDir,
  // Container logs; nothing is written to the read-only root filesystem.
  logPath: "/dev/stderr",
};

const NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

/** Why an account cannot be rendered (a name Dovecot would misread, root, a non-integer id), or undefined. */
export function mailAccountProblem(account: MailAccount): { field: keyof MailAccount; problem: string } | undefined {
  for (const field of ["user", "group"] as const) {
    if (!NAME.test(account[field])) return { field, problem: `"${account[field]}" is not a plain ${field} name ([a-z_][a-z0-9_-]*)` };
  }
  for (const field of ["uid", "gid"] as const) {
    const value = account[field];
    if (!Number.isInteger(value) || value < 1 || value > 2147483647) return { field, problem: `${value} is not an id from 1 to 2147483647 (never root)` };
  }
  return undefined;
}

/**
 * dovecot.conf of the Job: auth only (no protocols, nobody can log in), the passwd-file userdb, and
 * the target's mail and mail_crypt settings. Unprivileged as the storage owner: services unchrooted,
 * every uid/gid range pinned to the owner, so a userdb line naming another uid is refused.
 */
export function renderMigrationDovecotConf(account: MailAccount, paths: DovecotRuntimePaths = POD_RUNTIME_PATHS): string {
  const problem = mailAccountProblem(account);
  if (problem) throw new Error(`mail storage account ${problem.field}: ${problem.problem}`);
  const lines = [
    "# Rendered by oxmig for the migration Job; the policy pack compares it verbatim. Do not edit.",
    "instance_name = oxmig-migration",
    `base_dir = ${paths.baseDir}`,
    `state_dir = ${paths.baseDir}/state`,
    `log_path = ${paths.logPath}`,
    // No listeners: the master only serves auth (and its helpers) to doveadm over base_dir.
    "protocols =",
    `default_login_user = ${account.user}`,
    `default_internal_user = ${account.user}`,
    `default_internal_group = ${account.group}`,
    `mail_uid = ${account.uid}`,
    `mail_gid = ${account.gid}`,
    `first_valid_uid = ${account.uid}`,
    `last_valid_uid = ${account.uid}`,
    `first_valid_gid = ${account.gid}`,
    `last_valid_gid = ${account.gid}`,
    ...TARGET_MAIL_SETTINGS,
    // Auth will not start without a passdb; this one refuses everybody.
    "passdb {\n  driver = static\n  args = nopassword=y\n  deny = yes\n}",
    passwdFileUserdb(paths.userdb),
    // anvil chroots by default, which needs root.
    "service anvil {\n  chroot =\n}",
    ...MAIL_CRYPT_SETTINGS,
  ];
  return `${lines.join("\n")}\n`;
}

/** The account a rendered configuration names, read back for re-rendering (undefined: not our shape). */
export function mailAccountOf(text: string): MailAccount | undefined {
  const value = (key: string) => new RegExp(`^${key} = (.*)$`, "m").exec(text)?.[1];
  const [user, group, uid, gid] = ["default_internal_user", "default_internal_group", "mail_uid", "mail_gid"].map(value);
  if (user === undefined || group === undefined || !/^\d{1,10}$/.test(uid ?? "") || !/^\d{1,10}$/.test(gid ?? "")) return undefined;
  return { user, group, uid: Number(uid), gid: Number(gid) };
}

/** The sidecar that serves auth: a native sidecar (init container with restartPolicy Always, Kubernetes ≥ 1.29). */
export const AUTH_SIDECAR = {
  name: "dovecot-auth",
  command: ["dovecot", "-F", "-c", MIGRATION_DOVECOT_PATHS.conf],
  /** The migrate container starts only once the auth socket exists (else its first doveadm run exits 75). */
  startupProbe: {
    exec: { command: ["/bin/sh", "-c", `test -S ${MIGRATION_DOVECOT_PATHS.baseDir}/auth-userdb`] },
    periodSeconds: 1,
    failureThreshold: 30,
  },
} as const;
