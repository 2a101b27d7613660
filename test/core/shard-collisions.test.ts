// Cross-shard collisions (core/shard-collisions.ts): which mailboxes of two shards share an identity, and how that is worded.
import { describe, expect, it } from "vitest";
import type { LockEntry } from "@oxmig/core/lock";
import { collisionText, crossShardCollisions, fromLockEntry, type ShardMailbox } from "@oxmig/core/shard-collisions";
import { IDS } from "../fixtures/policies/plan";
import { lockEntries } from "../policies/helpers";

const [maria, , post] = lockEntries();
const entry = (e: LockEntry | undefined, shard?: string): LockEntry => ({ ...e!, ...(shard ? { shard } : {}) });
const mailbox = (shard: string, mailboxId: string, fields: Partial<ShardMailbox> = {}): ShardMailbox => ({
  shard,
  mailboxId,
  label: mailboxId,
  addresses: [],
  ...fields,
});

describe("cross-shard collisions", () => {
  it("lock entries read with the wrong identity fields", () => {
    expect(fromLockEntry(entry(maria), "prod-fa")).toEqual({
      shard: "prod-fa",
      mailboxId: IDS.maria,
      label: "maria.mueller@fa-luebeck.example",
      uid: "mmueller",
      ownerId: IDS.maria,
      addresses: ["maria.mueller@fa-luebeck.example", "m.mueller@fa-luebeck.example"],
      sourceGuid: "e0000000-0000-4000-8000-000000000001",
      login: "mmueller",
    });
    expect(fromLockEntry({ ...entry(post), addresses: [] }, "x")).toMatchObject({ label: IDS.poststelle });
    expect(fromLockEntry(entry(post), "x")).not.toHaveProperty("ownerId");
  });
  it("shared identities missed, repeated, or found within one shard", () => {
    const mine = [mailbox("a", "m1", { addresses: ["x@e.example"], ownerId: "o1", sourceGuid: "s1", login: "l1" })];
    const others = [
      mailbox("b", "o-1", { addresses: ["x@e.example", "y@e.example"], login: "l1" }),
      mailbox("b", "o-2", { ownerId: "o1", sourceGuid: "s1" }),
      mailbox("a", "same-shard", { addresses: ["x@e.example"] }),
      mailbox("b", "o-3", { addresses: ["z@e.example"] }),
    ];
    const found = crossShardCollisions(mine, others);
    expect(found.map((c) => [c.other.mailboxId, c.shared])).toEqual([
      ["o-1", ["address x@e.example", "login l1"]],
      ["o-2", ["owner id o1", "Exchange source s1"]],
    ]);
    expect(collisionText(found[0]!)).toBe(
      "mailbox m1 of shard a and mailbox o-1 (o-1) of shard b share address x@e.example, login l1; one identity must live in exactly one shard",
    );
  });
  it("one address listed twice counted twice", () => {
    const found = crossShardCollisions(
      [mailbox("a", "m1", { addresses: ["x@e.example", "x@e.example"] })],
      [mailbox("b", "o1", { addresses: ["x@e.example"] })],
    );
    expect(found.map((c) => c.shared)).toEqual([["address x@e.example"]]);
  });
});
