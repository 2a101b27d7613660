// A family's shards are separate stacks, so no per-stack rule sees two shards at once. This rule reads
// the family lock (one per inventory) and rejects a shard mailbox that another shard's approved entries
// already use: the same address, person, Exchange source or login would bind one identity twice.
import type { StackValidationPolicy } from "@pulumi/policy";
import { normaliseAddress } from "../../core/address";
import type { LockEntry } from "../../core/lock";
import { configSchema } from "../config";
import { mailboxMessage, plainMessage } from "../support/report";
import type { OxUserView } from "../support/resources";
import { stackValidation } from "../support/rule";
import type { StackView } from "../support/stack";

/** The identity-bearing parts of one mailbox of one shard. */
export interface ShardMailbox {
  readonly shard: string;
  readonly mailboxId: string;
  /** How messages name it: primary address, else id. */
  readonly label: string;
  readonly uid?: string;
  readonly addresses: readonly string[];
  readonly ownerId?: string;
  readonly sourceGuid?: string;
  readonly login?: string;
}

export interface ShardCollision {
  readonly mine: ShardMailbox;
  readonly other: ShardMailbox;
  /** "address x", "owner id y", "Exchange source z", "login l". */
  readonly shared: readonly string[];
}

export function fromLockEntry(entry: LockEntry, shard: string): ShardMailbox {
  return {
    shard,
    mailboxId: entry.mailbox,
    label: entry.addresses[0] ?? entry.mailbox,
    ...(entry.owner ? { uid: entry.owner.uid, ownerId: entry.owner.id } : {}),
    addresses: entry.addresses,
    sourceGuid: entry.source.exchangeGuid,
    login: entry.login,
  };
}

function fromUser(user: OxUserView, shard: string): ShardMailbox {
  const addresses = [...new Set(user.addresses.map((a) => normaliseAddress(a.value)))];
  return {
    shard,
    mailboxId: user.mailboxId ?? user.urn,
    label: addresses[0] ?? user.mailboxId ?? user.resourceName,
    ...(user.oxName !== undefined ? { uid: user.oxName } : {}),
    addresses,
    ...(user.ownerId !== undefined ? { ownerId: user.ownerId } : {}),
    ...(user.sourceGuid !== undefined ? { sourceGuid: user.sourceGuid } : {}),
    ...(user.imapLogin !== undefined ? { login: user.imapLogin } : {}),
  };
}

function identityKeys(m: ShardMailbox): [key: string, shown: string][] {
  return [
    ...m.addresses.map((a): [string, string] => [`a\u0000${a}`, `address ${a}`]),
    ...(m.ownerId ? [[`o\u0000${m.ownerId}`, `owner id ${m.ownerId}`] as [string, string]] : []),
    ...(m.sourceGuid ? [[`s\u0000${m.sourceGuid}`, `Exchange source ${m.sourceGuid}`] as [string, string]] : []),
    ...(m.login ? [[`l\u0000${m.login}`, `login ${m.login}`] as [string, string]] : []),
  ];
}

/** Every pair (mine, other) from different shards that share an address, owner, source or login. */
export function crossShardCollisions(mine: readonly ShardMailbox[], others: readonly ShardMailbox[]): ShardCollision[] {
  const index = new Map<string, ShardMailbox[]>();
  for (const o of others) {
    for (const [key] of identityKeys(o)) {
      const list = index.get(key);
      if (list) list.push(o);
      else index.set(key, [o]);
    }
  }
  const pairs = new Map<string, { mine: ShardMailbox; other: ShardMailbox; shared: string[] }>();
  for (const m of mine) {
    for (const [key, shown] of identityKeys(m)) {
      for (const o of index.get(key) ?? []) {
        if (o.shard === m.shard) continue;
        const id = `${m.shard}\u0000${m.mailboxId}\u0000${o.shard}\u0000${o.mailboxId}`;
        const pair = pairs.get(id) ?? pairs.set(id, { mine: m, other: o, shared: [] }).get(id)!;
        if (!pair.shared.includes(shown)) pair.shared.push(shown);
      }
    }
  }
  return [...pairs.values()];
}

/** "mailbox a@x of shard prod-fa and mailbox b@y of shard prod-im share owner id …" */
export function collisionText(c: ShardCollision): string {
  return `mailbox ${c.mine.label} of shard ${c.mine.shard} and mailbox ${c.other.label} (${c.other.mailboxId}) of shard ${c.other.shard} share ${c.shared.join(", ")}; one identity must live in exactly one shard`;
}

/** The stack a resource set belongs to, from its URNs (`urn:pulumi:<stack>::…`). */
export function stackOfView(stack: StackView): string | undefined {
  const urn = stack.users[0]?.urn ?? stack.userdbs[0]?.urn ?? stack.pairings[0]?.urn;
  return urn ? /^urn:pulumi:([^:]+)::/.exec(urn)?.[1] : undefined;
}

/**
 * In a family lock (entries carry `shard`), what bindings-match-lock compares for this stack: its own
 * entries (or another shard's entry for a mailbox it now declares, to show the move) against its declarations.
 */
export function shardScope(
  locked: readonly LockEntry[],
  declared: readonly LockEntry[],
  self: string | undefined,
): { locked: LockEntry[]; declared: LockEntry[] } {
  if (!locked.some((e) => e.shard !== undefined)) return { locked: [...locked], declared: [...declared] };
  const own = locked.filter((e) => e.shard === self);
  const ownIds = new Set(own.map((e) => e.mailbox));
  const declaredIds = new Set(declared.map((e) => e.mailbox));
  const moved = locked.filter((e) => e.shard !== self && declaredIds.has(e.mailbox) && !ownIds.has(e.mailbox));
  return { locked: [...own, ...moved], declared: declared.map((e) => (self !== undefined ? { ...e, shard: self } : e)) };
}

export const uniqueAcrossShards: StackValidationPolicy = {
  name: "unique-across-shards",
  description: "Checks whether a shard's mailboxes use no address, person, Exchange source or login that the family lock gives to another shard.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: stackValidation((ctx, stack, report) => {
    const shards = ctx.config.shards;
    if (!shards) return;
    const self = stackOfView(stack);
    if (self === undefined || !(self in shards)) {
      if (stack.users.length)
        report(plainMessage(`stack ${self ?? "(unknown)"} is not a shard of the configured family (shards: ${Object.keys(shards).join(", ")})`));
      return;
    }
    // Without a lock bindings-match-lock already rejects a prod stack; nothing approved to compare with.
    if (!ctx.lock) return;
    const shardOfContext = new Map(Object.entries(shards).flatMap(([shard, contexts]) => contexts.map((c) => [c, shard] as const)));
    const others: ShardMailbox[] = [];
    for (const entry of ctx.lock.lock.mailboxes) {
      const shard = entry.shard ?? shardOfContext.get(entry.context);
      if (shard !== undefined && shard !== self) others.push(fromLockEntry(entry, shard));
    }
    const byMailbox = new Map(stack.users.map((u) => [u.mailboxId ?? u.urn, u]));
    for (const c of crossShardCollisions(
      stack.users.map((u) => fromUser(u, self)),
      others,
    )) {
      report(mailboxMessage(c.mine.label, c.mine.uid, `${collisionText(c)} (family lock ${ctx.lock.file})`), byMailbox.get(c.mine.mailboxId)?.urn);
    }
  }),
};
