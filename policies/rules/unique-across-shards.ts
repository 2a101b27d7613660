// A family's shards are separate stacks, so no per-stack rule sees two shards at once. This rule reads
// the family lock (one per inventory) and rejects a shard mailbox that another shard's approved entries
// already use: the same address, person, Exchange source or login would bind one identity twice.
import type { StackValidationPolicy } from "@pulumi/policy";
import { normaliseAddress } from "@oxmig/core/address";
import { crossShardCollisions, collisionText, fromLockEntry, type ShardMailbox } from "@oxmig/core/shard-collisions";
import { configSchema } from "../config";
import { mailboxMessage, plainMessage } from "../support/report";
import type { OxUserView } from "../support/resources";
import { stackValidation } from "../support/rule";
import { stackOfView } from "../support/shard-scope";

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
