import { describe, expect, it } from "vitest";
import type { BindingLock, LockEntry } from "@oxmig/core/lock";
import { mergeShardLock } from "../../gate/family-lock";
import type { StackSelection } from "../../io/stack-selection";

const entry = (mailbox: string, context: string, shard?: string): LockEntry => ({
  mailbox,
  kind: "personal",
  wave: `w-${context}`,
  context,
  owner: { id: mailbox, uid: `u${mailbox}` },
  source: { address: `u${mailbox}@${context}.example`, exchangeGuid: `g${mailbox}` },
  login: `u${mailbox}`,
  home: `/var/vmail/${mailbox}`,
  key: { name: `key-${mailbox}`, keeper: mailbox },
  addresses: [`u${mailbox}@${context}.example`],
  ...(shard ? { shard } : {}),
});
const lock = (stack: string, mailboxes: LockEntry[]): BindingLock => ({ lockVersion: 1, stack, waves: {}, mailboxes });
const selection = (stack: string, family?: string) => ({ stack, config: { values: family ? { family } : {} } }) as unknown as StackSelection;

describe("mergeShardLock", () => {
  const family = lock("prod", [entry("1", "a", "prod-a"), entry("2", "b", "prod-b")]);

  it("replaces only the shard's own entries and keeps the other shards' as approved", () => {
    const fresh = lock("prod-a", [entry("3", "a")]);
    const merged = mergeShardLock(selection("prod-a", "prod"), fresh, family);
    expect(merged.mailboxes.map((e) => [e.mailbox, e.shard])).toEqual([
      ["3", "prod-a"],
      ["2", "prod-b"],
    ]);
  });

  it("keeps the shard tags when the unsharded stack over the same inventory relocks it", () => {
    const fresh = lock("prod", [entry("1", "a"), entry("2", "b"), entry("4", "c")]);
    const merged = mergeShardLock(selection("prod"), fresh, family);
    expect(merged.mailboxes.map((e) => e.shard)).toEqual(["prod-a", "prod-b", undefined]);
  });

  it("leaves an unsharded lock untouched", () => {
    const fresh = lock("staging", [entry("1", "a")]);
    expect(mergeShardLock(selection("staging"), fresh, lock("staging", [entry("1", "a")]))).toBe(fresh);
  });
});
