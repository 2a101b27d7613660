// The binding lock: who owns which mailbox, as last approved by a reviewer.
// CrossGuard cannot see a stack's previous state, so a re-binding becomes visible as a lock diff.
// Version 2 adds the history the lifecycle rules need: the phase each mailbox has reached (by
// mailbox id, not wave name), the OX context ids, and the entries of mailboxes that left the plan.
import { dump, load, parseEvents } from "js-yaml";
import { z } from "zod";
import { InputError, InputErrors } from "./errors";
import type { Binding, MailboxKind, WavePhase } from "./model";
import { formatPath, lineOf, yamlLines, type YamlPath } from "./plan-lines";

export const LOCK_VERSION = 2;

export interface LockEntry {
  readonly mailbox: string;
  readonly kind: MailboxKind;
  readonly wave: string;
  readonly context: string;
  /** `uid` as the directory spells it (display); compare with normaliseUid. */
  readonly owner?: { readonly id: string; readonly uid: string };
  readonly source: { readonly address: string; readonly exchangeGuid: string };
  readonly login: string;
  readonly home: string;
  /** Key identity only: the resource name and the id its keepers hold. Never key material. */
  readonly key: { readonly name: string; readonly keeper: string };
  /** Normalised addresses, primary first, the rest sorted. */
  readonly addresses: readonly string[];
  /** The shard stack that declares this mailbox, in a family lock shared by a family's shards. */
  readonly shard?: string;
  /** The plan's reviewed reason for a context outside the owner's organisation (plan contextException). */
  readonly contextException?: string;
  /** Containment (plan contain): the owner's login is blocked, for this reason. Part of the binding: a change is reviewed. */
  readonly contain?: string;
  /** Re-migration (plan remigrate): the wave's Job imports what the target lacks from this entry's source, for this reason. Part of the binding: reviewed. */
  readonly remigrate?: string;
  /** The lifecycle phase this mailbox has reached (always set in a parsed lock; `oxmig lock` carries it forward). */
  readonly phase?: WavePhase;
  /** The reviewed reason of the last rollback or skipped step (plan phaseRollback / phaseSkip). */
  readonly phaseReason?: string;
  /** Reviewed reasons for an identity change past cut-over (plan rebind / rekey), and the mailbox ids it replaced. */
  readonly rebind?: string;
  readonly rekey?: string;
  readonly replaces?: readonly string[];
}

export interface BindingLock {
  readonly lockVersion: number;
  readonly stack: string;
  /** OX context name → its id as the plan fixed it (absent: the plan fixes none). */
  readonly contexts?: Readonly<Record<string, { readonly id?: number }>>;
  readonly waves: Readonly<Record<string, { readonly phase: WavePhase }>>;
  readonly mailboxes: readonly LockEntry[];
  /** Mailboxes that left the plan, as last locked: their phase and identity stay on record. */
  readonly retired?: readonly LockEntry[];
}

/** Fields that record lifecycle history, not the binding: the binding diff ignores them. */
export const HISTORY_FIELDS = ["phase", "phaseReason", "rebind", "rekey", "replaces"] as const;

/** One spelling for comparing uids (AD uids carry capitals, the program lowercases logins). */
export function normaliseUid(uid: string): string {
  return uid.toLowerCase();
}

const phaseSchema = z.enum(["copying", "cut-over", "done"]);

const entryFields = {
  mailbox: z.string().min(1),
  kind: z.enum(["personal", "shared", "room", "equipment"]),
  wave: z.string().min(1),
  context: z.string().min(1),
  owner: z.strictObject({ id: z.string().min(1), uid: z.string().min(1) }).optional(),
  source: z.strictObject({ address: z.string().min(1), exchangeGuid: z.string().min(1) }),
  login: z.string().min(1),
  home: z.string().min(1),
  key: z.strictObject({ name: z.string().min(1), keeper: z.string().min(1) }),
  addresses: z.array(z.string().min(1)),
  shard: z.string().min(1).optional(),
  contextException: z.string().min(1).optional(),
  contain: z.string().min(1).optional(),
  remigrate: z.string().min(1).optional(),
};

const entrySchema = z.strictObject({
  ...entryFields,
  phase: phaseSchema,
  phaseReason: z.string().min(1).optional(),
  rebind: z.string().min(1).optional(),
  rekey: z.string().min(1).optional(),
  replaces: z.array(z.string().min(1)).optional(),
});

const wavesSchema = z.record(z.string(), z.strictObject({ phase: phaseSchema }));

const lockSchema = z.strictObject({
  lockVersion: z.literal(LOCK_VERSION),
  stack: z.string().min(1),
  contexts: z.record(z.string(), z.strictObject({ id: z.number().int().positive().optional() })),
  waves: wavesSchema,
  mailboxes: z.array(entrySchema),
  retired: z.array(entrySchema).default([]),
});

/** Version 1 (no history): read transparently, each mailbox at its locked wave's phase. */
const lockV1Schema = z.strictObject({
  lockVersion: z.literal(1),
  stack: z.string().min(1),
  waves: wavesSchema,
  mailboxes: z.array(z.strictObject(entryFields)),
});

/** The lock entry a binding implies. */
export function lockEntryFor(binding: Binding): LockEntry {
  const [primary, ...rest] = binding.addresses.map((a) => a.normalised);
  return {
    mailbox: binding.mailboxId,
    kind: binding.kind,
    wave: binding.wave,
    context: binding.context,
    ...(binding.owner ? { owner: { id: binding.owner.immutableId, uid: binding.owner.uid } } : {}),
    source: { address: binding.source.address.normalised, exchangeGuid: binding.source.exchangeGuid },
    login: binding.dovecotLogin,
    home: binding.home,
    key: { name: binding.keyName, keeper: binding.mailboxId },
    addresses: [...(primary ? [primary] : []), ...rest.sort()],
    ...(binding.contextException?.trim() ? { contextException: binding.contextException } : {}),
    ...(binding.contain?.trim() ? { contain: binding.contain } : {}),
    ...(binding.remigrate?.trim() ? { remigrate: binding.remigrate } : {}),
  };
}

/**
 * The lock a plan declares now, before history: each mailbox at its wave's declared phase.
 * `oxmig lock` passes it through core/lock-history.ts, which checks and carries the history forward.
 */
export function buildLock(
  stack: string,
  bindings: readonly Binding[],
  phases: Readonly<Record<string, WavePhase>>,
  contextIds: Readonly<Record<string, number | undefined>> = {},
): BindingLock {
  const mailboxes = bindings.map((b) => ({ ...lockEntryFor(b), phase: phases[b.wave] ?? "copying" })).sort(byContextThenLogin);
  const waves = Object.fromEntries(
    Object.keys(phases)
      .sort()
      .map((w) => [w, { phase: phases[w]! }]),
  );
  const used = new Set(bindings.map((b) => b.context));
  const contexts = Object.fromEntries(
    Object.keys(contextIds)
      .filter((c) => used.has(c))
      .sort()
      .map((c) => [c, contextIds[c] !== undefined ? { id: contextIds[c] } : {}]),
  );
  return { lockVersion: LOCK_VERSION, stack, contexts, waves, mailboxes, retired: [] };
}

export function byContextThenLogin(a: LockEntry, b: LockEntry): number {
  return compare(a.context, b.context) || compare(a.login, b.login) || compare(a.mailbox, b.mailbox);
}

export function renderLock(lock: BindingLock): string {
  const sharded = lock.mailboxes.some((e) => e.shard !== undefined);
  const header = [
    sharded
      ? `# Binding lock of stack family "${lock.stack}", written shard by shard by \`npx oxmig lock --stack <shard>\`.`
      : `# Binding lock of stack "${lock.stack}", written by \`npx oxmig lock --stack ${lock.stack}\`.`,
    "# Do not edit by hand. A change here changes who receives whose mail: review it like code.",
    "",
  ].join("\n");
  return header + dump(lock.lockVersion === LOCK_VERSION ? canonical(lock) : lock, { lineWidth: -1, noRefs: true, sortKeys: false, flowLevel: 3 });
}

const ENTRY_ORDER = [
  "mailbox",
  "kind",
  "wave",
  "context",
  "contextException",
  "contain",
  "remigrate",
  "owner",
  "source",
  "login",
  "home",
  "key",
  "addresses",
  "shard",
] as const;

function pick(e: LockEntry, keys: readonly (keyof LockEntry)[]): Partial<LockEntry> {
  return Object.fromEntries(keys.filter((k) => e[k] !== undefined).map((k) => [k, e[k]]));
}

/** Keys in a fixed order, every entry with its phase: what parseLock reads back unchanged. */
function canonical(lock: BindingLock): BindingLock {
  const withPhase = (e: LockEntry): LockEntry => {
    const ordered: Record<string, unknown> = {};
    for (const k of ENTRY_ORDER) if (e[k] !== undefined) ordered[k] = e[k];
    return { ...(ordered as unknown as LockEntry), phase: entryPhase(e), ...pick(e, HISTORY_FIELDS.slice(1)) };
  };
  return {
    lockVersion: lock.lockVersion,
    stack: lock.stack,
    contexts: lock.contexts ?? {},
    waves: lock.waves,
    mailboxes: lock.mailboxes.map(withPhase),
    retired: (lock.retired ?? []).map(withPhase),
  };
}

export function parseLock(text: string, file: string): BindingLock {
  let doc: unknown;
  try {
    doc = load(text, { filename: file });
  } catch (err) {
    const mark = (err as { mark?: { line: number } }).mark;
    throw new InputError(file, mark ? `line ${mark.line + 1}` : undefined, (err as { reason?: string }).reason ?? String(err));
  }
  const version = (doc as { lockVersion?: unknown } | null)?.lockVersion;
  const lock = version === 1 ? fromV1(check(lockV1Schema, doc, file)) : check(lockSchema, doc, file);
  refuseDuplicateIds(lock, text, file);
  return lock;
}

/** Items that share an id with another item, grouped by id, in input order. */
export function duplicateIds<T>(items: readonly T[], idOf: (item: T) => string): T[][] {
  const byId = new Map<string, T[]>();
  for (const item of items) {
    const list = byId.get(idOf(item));
    if (list) list.push(item);
    else byId.set(idOf(item), [item]);
  }
  return [...byId.values()].filter((group) => group.length > 1);
}

/**
 * A mailbox id names one home and one key: two entries with it would give two people one mailbox,
 * and every comparison by id would silently keep only one of them.
 */
function refuseDuplicateIds(lock: BindingLock, text: string, file: string): void {
  const entries = [
    ...lock.mailboxes.map((entry, i) => ({ entry, path: ["mailboxes", i] as YamlPath })),
    ...(lock.retired ?? []).map((entry, i) => ({ entry, path: ["retired", i] as YamlPath })),
  ];
  const groups = duplicateIds(entries, (e) => e.entry.mailbox);
  if (!groups.length) return;
  const lines = yamlLines(parseEvents(text, { filename: file }), text);
  const describe = ({ entry, path }: { entry: LockEntry; path: YamlPath }) =>
    `${formatPath(path)} (line ${lineOf(lines, path)}: source ${entry.source.address}, ${entry.owner ? `owner ${entry.owner.uid}` : `${entry.kind} mailbox`})`;
  throw new InputErrors(
    groups.map(
      (group) =>
        new InputError(
          file,
          `line ${lineOf(lines, group[1]!.path)}`,
          `mailbox id ${group[0]!.entry.mailbox} appears in ${group.length} entries: ${group.map(describe).join(" and ")}; one id is one home and one key, so one of them binds the wrong person. Fix the plan and rerun \`npx oxmig lock --stack ${group[1]!.entry.shard ?? lock.stack}\``,
        ),
    ),
  );
}

function check<T>(schema: z.ZodType<T>, doc: unknown, file: string): T {
  const parsed = schema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(file, issue.path.join(".") || undefined, `${issue.message} (regenerate with \`npx oxmig lock\`)`);
  }
  return parsed.data;
}

/** A version-1 lock approved each wave's phase: each mailbox has reached its wave's phase. Context ids were not recorded. */
function fromV1(v1: z.infer<typeof lockV1Schema>): BindingLock {
  const mailboxes = v1.mailboxes.map((e) => ({ ...e, phase: v1.waves[e.wave]?.phase ?? ("copying" as const) }));
  return { lockVersion: LOCK_VERSION, stack: v1.stack, contexts: {}, waves: v1.waves, mailboxes, retired: [] };
}

/** The phase a lock entry records (entries built in memory without history count as copying). */
export function entryPhase(entry: LockEntry): WavePhase {
  return entry.phase ?? "copying";
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
