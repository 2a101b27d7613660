// The binding lock: who owns which mailbox, as last approved by a reviewer.
// CrossGuard cannot see a stack's previous state, so a re-binding becomes visible as a lock diff.
import { dump, load } from "js-yaml";
import { z } from "zod";
import { InputError } from "./errors";
import type { Binding, MailboxKind, WavePhase } from "./model";

export const LOCK_VERSION = 1;

export interface LockEntry {
  readonly mailbox: string;
  readonly kind: MailboxKind;
  readonly wave: string;
  readonly context: string;
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
}

export interface BindingLock {
  readonly lockVersion: number;
  readonly stack: string;
  readonly waves: Readonly<Record<string, { readonly phase: WavePhase }>>;
  readonly mailboxes: readonly LockEntry[];
}

const entrySchema = z.strictObject({
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
});

const lockSchema = z.strictObject({
  lockVersion: z.literal(LOCK_VERSION),
  stack: z.string().min(1),
  waves: z.record(z.string(), z.strictObject({ phase: z.enum(["copying", "cut-over", "done"]) })),
  mailboxes: z.array(entrySchema),
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
  };
}

export function buildLock(stack: string, bindings: readonly Binding[], phases: Readonly<Record<string, WavePhase>>): BindingLock {
  const mailboxes = bindings.map(lockEntryFor).sort((a, b) => compare(a.context, b.context) || compare(a.login, b.login));
  const waves = Object.fromEntries(Object.keys(phases).sort().map((w) => [w, { phase: phases[w]! }]));
  return { lockVersion: LOCK_VERSION, stack, waves, mailboxes };
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
  return header + dump(lock, { lineWidth: -1, noRefs: true, sortKeys: false, flowLevel: 3 });
}

export function parseLock(text: string, file: string): BindingLock {
  let doc: unknown;
  try {
    doc = load(text, { filename: file });
  } catch (err) {
    const mark = (err as { mark?: { line: number } }).mark;
    throw new InputError(file, mark ? `line ${mark.line + 1}` : undefined, (err as { reason?: string }).reason ?? String(err));
  }
  const parsed = lockSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(file, issue.path.join(".") || undefined, `${issue.message} (regenerate with \`npx oxmig lock\`)`);
  }
  return parsed.data;
}

export interface LockChange {
  readonly mailbox: string;
  readonly change: "added" | "removed" | "changed";
  /** Changed fields with their locked and declared values (JSON text). */
  readonly fields: readonly { readonly field: string; readonly locked: string; readonly declared: string }[];
}

/** Differences between the approved lock and the entries a plan declares now. */
export function diffLock(locked: readonly LockEntry[], declared: readonly LockEntry[]): LockChange[] {
  const before = new Map(locked.map((e) => [e.mailbox, e]));
  const after = new Map(declared.map((e) => [e.mailbox, e]));
  const changes: LockChange[] = [];
  for (const [id, now] of after) {
    const was = before.get(id);
    if (!was) {
      changes.push({ mailbox: id, change: "added", fields: [] });
      continue;
    }
    const fields = (Object.keys({ ...was, ...now }) as (keyof LockEntry)[])
      .map((field) => ({ field, locked: JSON.stringify(was[field] ?? null), declared: JSON.stringify(now[field] ?? null) }))
      .filter((f) => f.locked !== f.declared);
    if (fields.length) changes.push({ mailbox: id, change: "changed", fields });
  }
  for (const id of before.keys()) if (!after.has(id)) changes.push({ mailbox: id, change: "removed", fields: [] });
  return changes;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
