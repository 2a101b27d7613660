// Settings of the migration Job and its NetworkPolicy (infra/components/migration-job.ts,
// migration-network.ts), read from the stack config and checked before anything is declared:
// a bad value is an InputError naming the stack file and the key (exit 2 in the gate).
import { isIP } from "node:net";
import { InputError } from "@oxmig/core/errors";
import { mailAccountProblem, type MailAccount } from "@oxmig/core/migration-dovecot";
import { SOURCE_TLS_MODES, type SourceTls } from "@oxmig/core/migration-script";
import { MAX_WAVE_PARALLELISM } from "@oxmig/core/plan";

/** Defaults, repeated in Pulumi.yaml (test/infra/config.test.ts keeps both equal). */
export const MIGRATION_DEFAULTS = {
  /** Empty: the image by tag only. Otherwise `sha256:<64 hex>`, pinned as `<image>@<digest>`. */
  migrationImageDigest: "",
  /** Existing PVC (not created here) holding the target's mailboxes, the one the target Dovecot mounts. */
  mailStorageClaim: "dovecot-mail",
  /** Owner of the mail storage; the Job's Dovecot and doveadm run as it. */
  mailUser: "vmail",
  mailGroup: "vmail",
  mailUid: 5000,
  mailGid: 5000,
  migrationCpuRequest: "500m",
  migrationMemoryRequest: "512Mi",
  migrationCpuLimit: "2",
  migrationMemoryLimit: "2Gi",
  /** 24 h: a stuck wave ends within a day, while a large wave (hours at ~20 MB/s) still fits. */
  migrationDeadlineSeconds: 86400,
  /** Port of the source IMAP server (IMAPS): doveadm.conf's imapc_port and the NetworkPolicy's egress port. */
  sourceImapPort: 993,
  /** CIDRs of the source IMAP server (NetworkPolicy takes addresses, not host names). Empty: any address, that port only. */
  sourceImapCidrs: [] as string[],
  /** imaps (implicit TLS) or starttls; rendered into doveadm.conf as imapc_ssl. */
  sourceImapTls: "imaps",
  /**
   * Mailboxes copied at the same time per wave (the Job's parallelism; a wave's plan `parallelism` wins).
   * Every pod opens its own IMAP connections as the one master user, and Exchange limits concurrent IMAP
   * connections per user (Set-ImapSettings MaxConnectionsPerUser, 16 by default) and per client address.
   */
  migrationParallelism: 4,
  /** Retries of one mailbox after a failed run (backoffLimitPerIndex); the other mailboxes go on. */
  migrationRetriesPerMailbox: 2,
  /** The wave's Job stops once more than this share of its mailboxes failed (maxFailedIndexes; above 0 % at least 1). */
  migrationMaxFailedPercent: 10,
  /** StorageClass of the state volumes (ReadWriteMany: pods on several nodes write it). Empty: the cluster's default class. */
  migrationStateStorageClass: "",
} as const;

/** Upper bound of a wave's parallelism: far above what a source server allows, but no typo of 1000s (the plan's bound too). */
export const MAX_PARALLELISM = MAX_WAVE_PARALLELISM;

/** The storage owner of the defaults (the Wave always passes the stack's; fixtures may omit it). */
export const DEFAULT_MAIL_ACCOUNT: MailAccount = {
  user: MIGRATION_DEFAULTS.mailUser,
  group: MIGRATION_DEFAULTS.mailGroup,
  uid: MIGRATION_DEFAULTS.mailUid,
  gid: MIGRATION_DEFAULTS.mailGid,
};

export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface MigrationSettings {
  /** Image reference the Job runs: `<migrationImage>` or `<migrationImage>@<digest>`. */
  readonly image: string;
  readonly mailStorageClaim: string;
  readonly mailAccount: MailAccount;
  readonly resources: ContainerResources;
  readonly deadlineSeconds: number;
  readonly sourceImapPort: number;
  readonly sourceImapCidrs: readonly string[];
  readonly sourceImapTls: SourceTls;
  /** Default parallelism of a wave's Job (plan `parallelism` per wave wins). */
  readonly parallelism: number;
  /** backoffLimitPerIndex of the Jobs. */
  readonly retriesPerMailbox: number;
  /** Share of a wave's mailboxes that may fail before its Job stops (maxFailedIndexes). */
  readonly maxFailedPercent: number;
  /** StorageClass of the state volumes; undefined: the cluster's default. */
  readonly stateStorageClass?: string;
}

/** The raw values, as the stack config holds them (defaults applied). */
export type RawMigrationSettings = { readonly migrationImage: string } & {
  -readonly [K in keyof typeof MIGRATION_DEFAULTS]: (typeof MIGRATION_DEFAULTS)[K] extends readonly string[]
    ? readonly string[]
    : (typeof MIGRATION_DEFAULTS)[K] extends number
      ? number
      : string;
};

const DIGEST = /^sha256:[0-9a-f]{64}$/;
// A Kubernetes quantity in the plain forms (no exponent): 500m, 2, 1.5, 512Mi, 2Gi, 1G.
const QUANTITY = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;
const FACTOR: Record<string, number> = { "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
// A PVC name is a DNS subdomain (RFC 1123).
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function quantity(value: string): number | undefined {
  const m = QUANTITY.exec(value);
  return m ? Number(m[1]) * FACTOR[m[2] ?? ""]! : undefined;
}

function cidrProblem(cidr: string): string | undefined {
  const [address, prefix, extra] = cidr.split("/");
  const family = isIP(address ?? "");
  const bits = Number(prefix);
  if (extra !== undefined || family === 0 || !/^\d{1,3}$/.test(prefix ?? "") || bits > (family === 4 ? 32 : 128))
    return `"${cidr}" is not an address/prefix (e.g. 192.0.2.10/32)`;
  return undefined;
}

/** Checks and assembles the settings; every problem is an InputError naming the stack file and key. */
export function migrationSettingsFrom(raw: RawMigrationSettings, stack: string): MigrationSettings {
  const fail = (key: string, problem: string): never => {
    throw new InputError(`Pulumi.${stack}.yaml`, `config oxmig:${key}`, problem);
  };
  if (raw.migrationImage.includes("@")) fail("migrationImage", `"${raw.migrationImage}" already carries a digest; set it as oxmig:migrationImageDigest`);
  if (raw.migrationImageDigest !== "" && !DIGEST.test(raw.migrationImageDigest))
    fail("migrationImageDigest", `"${raw.migrationImageDigest}" is not sha256:<64 lower-case hex digits>`);
  if (!DNS_SUBDOMAIN.test(raw.mailStorageClaim) || raw.mailStorageClaim.length > 253)
    fail("mailStorageClaim", `"${raw.mailStorageClaim}" is not a PersistentVolumeClaim name`);
  const mailAccount = { user: raw.mailUser, group: raw.mailGroup, uid: raw.mailUid, gid: raw.mailGid };
  const accountProblem = mailAccountProblem(mailAccount);
  if (accountProblem) fail(`mail${accountProblem.field[0]!.toUpperCase()}${accountProblem.field.slice(1)}`, accountProblem.problem);
  for (const resource of ["Cpu", "Memory"] as const) {
    const request = raw[`migration${resource}Request`];
    const limit = raw[`migration${resource}Limit`];
    const [r, l] = [quantity(request), quantity(limit)];
    if (r === undefined || r <= 0) fail(`migration${resource}Request`, `"${request}" is not a positive Kubernetes quantity (e.g. 500m, 512Mi)`);
    if (l === undefined || l <= 0) fail(`migration${resource}Limit`, `"${limit}" is not a positive Kubernetes quantity (e.g. 2, 2Gi)`);
    if (r! > l!) fail(`migration${resource}Request`, `${request} is more than the limit ${limit} (Kubernetes refuses that)`);
  }
  if (!Number.isInteger(raw.migrationDeadlineSeconds) || raw.migrationDeadlineSeconds < 60)
    fail("migrationDeadlineSeconds", `${raw.migrationDeadlineSeconds} is not a whole number of seconds ≥ 60`);
  if (!Number.isInteger(raw.sourceImapPort) || raw.sourceImapPort < 1 || raw.sourceImapPort > 65535)
    fail("sourceImapPort", `${raw.sourceImapPort} is not a TCP port`);
  for (const cidr of raw.sourceImapCidrs) {
    const problem = cidrProblem(cidr);
    if (problem) fail("sourceImapCidrs", problem);
  }
  // "no" only exists for the rehearsal's loopback source; a cluster never sends the password in cleartext.
  const tls = SOURCE_TLS_MODES.filter((m) => m !== "no");
  if (!(tls as readonly string[]).includes(raw.sourceImapTls)) fail("sourceImapTls", `"${raw.sourceImapTls}" is not one of ${tls.join(", ")}`);
  const parallelismProblem = parallelismRangeProblem(raw.migrationParallelism);
  if (parallelismProblem) fail("migrationParallelism", parallelismProblem);
  if (!Number.isInteger(raw.migrationRetriesPerMailbox) || raw.migrationRetriesPerMailbox < 0 || raw.migrationRetriesPerMailbox > 10)
    fail("migrationRetriesPerMailbox", `${raw.migrationRetriesPerMailbox} is not a whole number from 0 to 10`);
  if (!Number.isInteger(raw.migrationMaxFailedPercent) || raw.migrationMaxFailedPercent < 0 || raw.migrationMaxFailedPercent > 100)
    fail("migrationMaxFailedPercent", `${raw.migrationMaxFailedPercent} is not a whole percentage from 0 to 100`);
  if (raw.migrationStateStorageClass !== "" && (!DNS_SUBDOMAIN.test(raw.migrationStateStorageClass) || raw.migrationStateStorageClass.length > 253))
    fail("migrationStateStorageClass", `"${raw.migrationStateStorageClass}" is not a StorageClass name`);
  return {
    image: raw.migrationImageDigest ? `${raw.migrationImage}@${raw.migrationImageDigest}` : raw.migrationImage,
    mailStorageClaim: raw.mailStorageClaim,
    mailAccount,
    resources: {
      requests: { cpu: raw.migrationCpuRequest, memory: raw.migrationMemoryRequest },
      limits: { cpu: raw.migrationCpuLimit, memory: raw.migrationMemoryLimit },
    },
    deadlineSeconds: raw.migrationDeadlineSeconds,
    sourceImapPort: raw.sourceImapPort,
    sourceImapCidrs: [...raw.sourceImapCidrs],
    sourceImapTls: raw.sourceImapTls as SourceTls,
    parallelism: raw.migrationParallelism,
    retriesPerMailbox: raw.migrationRetriesPerMailbox,
    maxFailedPercent: raw.migrationMaxFailedPercent,
    ...(raw.migrationStateStorageClass ? { stateStorageClass: raw.migrationStateStorageClass } : {}),
  };
}

/** Why a parallelism (stack default or a wave's) is out of range, or undefined. */
export function parallelismRangeProblem(value: number): string | undefined {
  return Number.isInteger(value) && value >= 1 && value <= MAX_PARALLELISM
    ? undefined
    : `${value} is not a whole number of mailboxes from 1 to ${MAX_PARALLELISM}`;
}

/** The Job's index settings for a wave of `pairs` mailboxes: parallelism, retries per mailbox, failed mailboxes tolerated. */
export function indexSettings(
  settings: Pick<MigrationSettings, "parallelism" | "retriesPerMailbox" | "maxFailedPercent">,
  pairs: number,
  waveParallelism?: number,
): { parallelism: number; backoffLimitPerIndex: number; maxFailedIndexes: number } {
  return {
    // More pods than pairs would only idle; Kubernetes would cap it the same way.
    parallelism: Math.max(1, Math.min(waveParallelism ?? settings.parallelism, pairs)),
    backoffLimitPerIndex: settings.retriesPerMailbox,
    // 0 %: the first failed mailbox stops the wave; otherwise at least one may fail without stopping the others.
    maxFailedIndexes: settings.maxFailedPercent === 0 ? 0 : Math.min(pairs, Math.max(1, Math.ceil((pairs * settings.maxFailedPercent) / 100))),
  };
}

/** The raw settings from a `pulumi.Config`-like reader (defaults applied). */
export function readMigrationSettings(
  config: { get(key: string): string | undefined; getNumber(key: string): number | undefined; getObject<T>(key: string): T | undefined },
  stack: string,
  migrationImage: string,
): MigrationSettings {
  const text = (key: keyof typeof MIGRATION_DEFAULTS) => config.get(key) ?? (MIGRATION_DEFAULTS[key] as string);
  const number = (key: keyof typeof MIGRATION_DEFAULTS) => config.getNumber(key) ?? (MIGRATION_DEFAULTS[key] as number);
  const cidrs = config.getObject<unknown>("sourceImapCidrs") ?? MIGRATION_DEFAULTS.sourceImapCidrs;
  if (!Array.isArray(cidrs) || cidrs.some((c) => typeof c !== "string"))
    throw new InputError(`Pulumi.${stack}.yaml`, "config oxmig:sourceImapCidrs", "is not a list of strings");
  return migrationSettingsFrom(
    {
      migrationImage,
      migrationImageDigest: text("migrationImageDigest"),
      mailStorageClaim: text("mailStorageClaim"),
      mailUser: text("mailUser"),
      mailGroup: text("mailGroup"),
      mailUid: number("mailUid"),
      mailGid: number("mailGid"),
      migrationCpuRequest: text("migrationCpuRequest"),
      migrationMemoryRequest: text("migrationMemoryRequest"),
      migrationCpuLimit: text("migrationCpuLimit"),
      migrationMemoryLimit: text("migrationMemoryLimit"),
      migrationDeadlineSeconds: number("migrationDeadlineSeconds"),
      sourceImapPort: number("sourceImapPort"),
      sourceImapCidrs: cidrs as string[],
      sourceImapTls: text("sourceImapTls"),
      migrationParallelism: number("migrationParallelism"),
      migrationRetriesPerMailbox: number("migrationRetriesPerMailbox"),
      migrationMaxFailedPercent: number("migrationMaxFailedPercent"),
      migrationStateStorageClass: text("migrationStateStorageClass"),
    },
    stack,
  );
}
