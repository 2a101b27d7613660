// One lock per inventory for a whole family: each entry names the shard that declares it, and
// `oxmig lock --stack <shard>` replaces only that shard's entries, so cross-shard checks read one approved file.
import type { BindingLock, LockEntry } from "@oxmig/core/lock";
import type { StackSelection } from "../io/stack-selection";
import { familyOf } from "./family-config";

const byContextThenLogin = (a: LockEntry, b: LockEntry) =>
  a.context < b.context ? -1 : a.context > b.context ? 1 : a.login < b.login ? -1 : a.login > b.login ? 1 : 0;

/**
 * Merges a shard's freshly built lock into the family lock: this shard's entries (tagged with `shard`)
 * replace its previous ones; other shards' entries and their waves stay as approved.
 * An unsharded stack over a family's inventory (prod next to prod-<shard>) keeps each entry's shard tag.
 */
export function mergeShardLock(selection: StackSelection, fresh: BindingLock, previous: BindingLock | undefined): BindingLock {
  const family = familyOf(selection);
  if (!family) {
    const tags = new Map((previous?.mailboxes ?? []).filter((e) => e.shard !== undefined).map((e) => [e.mailbox, e.shard!]));
    if (!tags.size) return fresh;
    return { ...fresh, stack: previous!.stack, mailboxes: fresh.mailboxes.map((e) => (tags.has(e.mailbox) ? { ...e, shard: tags.get(e.mailbox)! } : e)) };
  }
  const shard = selection.stack;
  const kept = (previous?.mailboxes ?? []).filter((e) => e.shard !== undefined && e.shard !== shard);
  const keptWaves = new Set(kept.map((e) => e.wave));
  const waves = {
    ...Object.fromEntries(Object.entries(previous?.waves ?? {}).filter(([w]) => keptWaves.has(w))),
    ...fresh.waves,
  };
  const contexts = { ...(previous?.contexts ?? {}), ...(fresh.contexts ?? {}) };
  return {
    lockVersion: fresh.lockVersion,
    stack: family,
    contexts: Object.fromEntries(
      Object.keys(contexts)
        .sort()
        .map((c) => [c, contexts[c]!]),
    ),
    waves: Object.fromEntries(
      Object.keys(waves)
        .sort()
        .map((w) => [w, waves[w]!]),
    ),
    mailboxes: [...kept, ...fresh.mailboxes.map((e) => ({ ...e, shard }))].sort(byContextThenLogin),
    retired: previous?.retired ?? [],
  };
}
