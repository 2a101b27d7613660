// Cross-shard collisions: two mailboxes of different shards of one family that share an address, a
// person, an Exchange source or a login would bind one identity twice. Shared by the pack's
// unique-across-shards rule and the family gate (gate/family.ts), so both judge the same way.
import type { LockEntry } from "./lock";

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
