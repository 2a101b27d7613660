// Which part of a family lock a shard's stack is judged against: its own entries, and another shard's
// entry for a mailbox it now declares (to show the move). Read by bindings-match-lock and unique-across-shards.
import type { LockEntry } from "@oxmig/core/lock";
import type { StackView } from "./stack";

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
