// The pack's configuration (one object, the same for every policy) and the authoritative exports it
// names. Rules never trust the program: they reread directory.ldif and exchange.csv themselves.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { PolicyConfigSchema } from "@pulumi/policy";
import { parseDirectory } from "@oxmig/core/directory";
import { decodeExportBytes, parseExchange } from "@oxmig/core/exchange";
import { DEFAULT_MAIL_ROOT } from "@oxmig/core/ids";
import { parseLock, type BindingLock } from "@oxmig/core/lock";
import type { Person, SourceMailbox } from "@oxmig/core/model";
import { decodeUtf8 } from "@oxmig/core/text";

/** What `--policy-pack-config` must give every policy of the pack. */
export const packConfigSchema = z.object({
  /** Path of the directory export (LDIF) the bindings must agree with. */
  directory: z.string().min(1),
  /** Path of the Exchange export (CSV, UTF-8). */
  exchange: z.string().min(1),
  /** Path of the approved binding lock (`oxmig lock`); required in prod. */
  lock: z.string().min(1).optional(),
  stackKind: z.enum(["staging", "prod"]),
  /** Domains that must never appear in a staging stack (default: none). */
  productionDomains: z.array(z.string().min(1)).default([]),
  /** Root of the Dovecot mailbox homes (default /var/vmail). */
  mailRoot: z.string().min(1).default(DEFAULT_MAIL_ROOT),
  /** OX context name → directory `ou` it serves, where they differ (default: context name == ou). */
  contextOrganisations: z.record(z.string(), z.string()).default({}),
  /** Shard stack → its OX contexts, for a shard of a stack family (unique-across-shards; the lock is the family's). */
  shards: z.record(z.string(), z.array(z.string().min(1))).optional(),
});

export type PackConfig = z.infer<typeof packConfigSchema>;

/** The JSON schema the Pulumi CLI validates `--policy-pack-config` against (zod stays the authority). */
export const configSchema: PolicyConfigSchema = (() => {
  const json = z.toJSONSchema(packConfigSchema, { io: "input" }) as { properties: PolicyConfigSchema["properties"]; required?: string[] };
  return { properties: json.properties, ...(json.required ? { required: json.required } : {}) };
})();

/** A problem that makes every rule fail closed: bad config, unreadable or invalid export. */
export class PolicyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyConfigError";
  }
}

export interface DirectoryIndex {
  readonly file: string;
  readonly people: readonly Person[];
  readonly byId: ReadonlyMap<string, Person>;
  /** Lower-cased uid → every person carrying it (homonyms across organisations). */
  readonly byUid: ReadonlyMap<string, readonly Person[]>;
  /** Normalised address (mail or mailAlternateAddress) → every person carrying it. */
  readonly byAddress: ReadonlyMap<string, readonly Person[]>;
  /** AD objectGUID → person. */
  readonly byObjectGuid: ReadonlyMap<string, Person>;
}

export interface ExchangeIndex {
  readonly file: string;
  readonly sources: readonly SourceMailbox[];
  readonly byGuid: ReadonlyMap<string, SourceMailbox>;
  /** Normalised address (any smtp proxy address) → every source carrying it. */
  readonly byAddress: ReadonlyMap<string, readonly SourceMailbox[]>;
}

export interface PolicyContext {
  readonly config: PackConfig;
  readonly directory: DirectoryIndex;
  readonly exchange: ExchangeIndex;
  /** Undefined when no lock is configured or the file does not exist (see bindings-match-lock). */
  readonly lock?: { readonly file: string; readonly lock: BindingLock };
}

/** Relative config paths are relative to the project root: the CLI starts the pack inside policies/. */
const PROJECT_ROOT = path.resolve(__dirname, "..");

/** A file as messages name it: relative to the project root when inside it (as users wrote it), else absolute. */
export function displayFile(file: string): string {
  const rel = path.relative(PROJECT_ROOT, file);
  return rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? file : rel.split(path.sep).join("/");
}

/** Within one analysis the same config comes once per resource: revalidate it at most once a second. */
const RECHECK_MS = 1000;
let recent: { key: string; at: number; context: PolicyContext } | undefined;

/**
 * The SDK hands every call a fresh shallow copy of the policy's config: copies whose values are the
 * very same objects are the same config, which spares serialising it per resource and policy.
 */
const recentCopies: { raw: Record<string, unknown>; at: number; context: PolicyContext }[] = [];
const MAX_RECENT_COPIES = 64;

function sameValues(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

/** Validates the config and loads the exports (cached per path and mtime); throws PolicyConfigError naming the problem. */
export function loadPolicyContext(raw: unknown): PolicyContext {
  const now = Date.now();
  const copy = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
  if (copy) {
    const hit = recentCopies.find((c) => now - c.at < RECHECK_MS && sameValues(c.raw, copy));
    if (hit) return hit.context;
  }
  const key = JSON.stringify(raw ?? null);
  if (!recent || recent.key !== key || now - recent.at >= RECHECK_MS) recent = { key, at: now, context: loadUncached(raw) };
  // A copy is as fresh as the load it came from, however often it is seen.
  if (copy) {
    recentCopies.unshift({ raw: { ...copy }, at: recent.at, context: recent.context });
    recentCopies.length = Math.min(recentCopies.length, MAX_RECENT_COPIES);
  }
  return recent.context;
}

function loadUncached(raw: unknown): PolicyContext {
  const parsed = packConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`);
    throw new PolicyConfigError(
      `invalid policy pack config: ${problems.join("; ")} (pass --policy-pack-config with directory, exchange, stackKind for every policy)`,
    );
  }
  const at = (file: string) => path.resolve(PROJECT_ROOT, file);
  const config = {
    ...parsed.data,
    directory: at(parsed.data.directory),
    exchange: at(parsed.data.exchange),
    ...(parsed.data.lock ? { lock: at(parsed.data.lock) } : {}),
  };
  const lockFile = config.lock;
  // The reviewed lock is a file of the inventory; a symlink could put any other file in its place.
  if (lockFile && fs.lstatSync(lockFile, { throwIfNoEntry: false })?.isSymbolicLink()) {
    throw new PolicyConfigError(
      `the lock ${displayFile(lockFile)} is a symbolic link (to ${fs.readlinkSync(lockFile)}); the pack reads only the regular file oxmig lock writes`,
    );
  }
  const lock =
    lockFile && fs.existsSync(lockFile)
      ? { file: displayFile(lockFile), lock: cached(lockFile, (b) => parseLock(decodeUtf8(b, displayFile(lockFile)), displayFile(lockFile))) }
      : undefined;
  const [directory, exchange] = [displayFile(config.directory), displayFile(config.exchange)];
  return {
    config,
    directory: cached(config.directory, (b) => indexDirectory(directory, parseDirectory(b, directory))),
    exchange: cached(config.exchange, (b) => indexExchange(exchange, parseExchange(decodeExportBytes(b, exchange), exchange))),
    ...(lock ? { lock } : {}),
  };
}

const cache = new Map<string, { stamp: string; value: unknown }>();

/** Parses a file once per process and again only when its size or mtime changes. */
function cached<T>(file: string, parse: (bytes: Buffer) => T): T {
  let stamp: string;
  try {
    const stat = fs.statSync(file);
    stamp = `${stat.size}:${stat.mtimeMs}`;
  } catch (err) {
    throw new PolicyConfigError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const hit = cache.get(file);
  if (hit && hit.stamp === stamp) return hit.value as T;
  let value: T;
  try {
    value = parse(fs.readFileSync(file));
  } catch (err) {
    throw new PolicyConfigError(`cannot use ${file}: ${(err as Error).message}`);
  }
  cache.set(file, { stamp, value });
  return value;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function indexDirectory(file: string, people: Person[]): DirectoryIndex {
  const byUid = new Map<string, Person[]>();
  const byAddress = new Map<string, Person[]>();
  for (const p of people) {
    push(byUid, p.uid.toLowerCase(), p);
    const own = new Set([...(p.mail ? [p.mail.normalised] : []), ...p.aliases.map((a) => a.normalised)]);
    for (const a of own) push(byAddress, a, p);
  }
  return {
    file,
    people,
    byId: new Map(people.map((p) => [p.immutableId, p])),
    byUid,
    byAddress,
    byObjectGuid: new Map(people.filter((p) => p.objectGuid).map((p) => [p.objectGuid!, p])),
  };
}

function indexExchange(file: string, sources: SourceMailbox[]): ExchangeIndex {
  const byAddress = new Map<string, SourceMailbox[]>();
  for (const s of sources) for (const a of s.addresses) push(byAddress, a.normalised, s);
  return { file, sources, byGuid: new Map(sources.map((s) => [s.exchangeGuid, s])), byAddress };
}
