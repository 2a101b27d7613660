// A family of two shards for the fixture plan: the helpers' URNs name stack "test", which is the luebeck shard here, and
// "prod-kiel" holds kiel; the family lock holds both shards' entries.
import type { LockEntry } from "@oxmig/core/lock";
import { FIXTURE_MAILBOXES } from "../fixtures/policies/plan";
import { config, lockEntries, writeLock } from "./helpers";

export const SHARDS = { test: ["luebeck"], "prod-kiel": ["kiel"] };
export const luebeckMailboxes = FIXTURE_MAILBOXES.filter((m) => m.context === "luebeck");
export const kielMailboxes = FIXTURE_MAILBOXES.filter((m) => m.context === "kiel");
const shardOf = (e: LockEntry): LockEntry => ({ ...e, shard: e.context === "luebeck" ? "test" : "prod-kiel" });

/** The family lock, with the kiel shard's entries edited by `edit`. */
export const familyLock = (edit: (kielEntries: LockEntry[]) => LockEntry[] = (e) => e) =>
  writeLock([...lockEntries(luebeckMailboxes).map(shardOf), ...edit(lockEntries(kielMailboxes).map(shardOf))]);

/** The pack's config for the luebeck shard of the family, with `lock`. */
export const shardConfig = (lock: string, shards: Record<string, string[]> = SHARDS) => ({ ...config({ lock }), shards });
