// The pure parts of unique-across-shards: which lock entries a shard compares, and which collide.
import { describe, expect, it } from "vitest";
import type { LockEntry } from "../../core/lock";
import { collisionText, crossShardCollisions, fromLockEntry, shardScope, stackOfView, type ShardMailbox } from "../../policies/rules/unique-across-shards";
import type { StackView } from "../../policies/support/stack";
import { lockScope } from "../../policies/rules/bindings-match-lock";
import { IDS } from "../fixtures/policies/plan";
import { lockEntries } from "./helpers";

const [maria, jan, post] = lockEntries();
const entry = (e: LockEntry | undefined, shard?: string): LockEntry => ({ ...e!, ...(shard ? { shard } : {}) });
const mailbox = (shard: string, mailboxId: string, fields: Partial<ShardMailbox> = {}): ShardMailbox => ({
  shard,
  mailboxId,
  label: mailboxId,
  addresses: [],
  ...fields,
});
const view = (urns: { users?: string[]; userdbs?: string[]; pairings?: string[] }): StackView =>
  ({
    users: (urns.users ?? []).map((urn) => ({ urn })),
    userdbs: (urns.userdbs ?? []).map((urn) => ({ urn })),
    pairings: (urns.pairings ?? []).map((urn) => ({ urn })),
    keys: new Map(),
  }) as unknown as StackView;

describe("shardScope", () => {
  it("a lock without shards narrowed to one shard", () => {
    expect(shardScope([entry(maria), entry(jan)], [entry(jan)], "prod-fa")).toEqual({ locked: [entry(maria), entry(jan)], declared: [entry(jan)] });
  });
  it("another shard's entries compared, or a moved mailbox not shown as a move", () => {
    const locked = [entry(maria, "prod-fa"), entry(jan, "prod-im"), entry(post, "prod-im")];
    expect(shardScope(locked, [entry(maria), entry(jan)], "prod-fa")).toEqual({
      locked: [entry(maria, "prod-fa"), entry(jan, "prod-im")],
      declared: [entry(maria, "prod-fa"), entry(jan, "prod-fa")],
    });
  });
  it("a mailbox locked in both shards shown twice", () => {
    const locked = [entry(maria, "prod-fa"), entry(maria, "prod-im")];
    expect(shardScope(locked, [entry(maria)], "prod-fa").locked).toEqual([entry(maria, "prod-fa")]);
  });
  it("an unknown stack's declarations tagged with a shard", () => {
    expect(shardScope([entry(maria, "prod-fa")], [entry(maria)], undefined)).toEqual({ locked: [entry(maria, "prod-fa")], declared: [entry(maria)] });
  });
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

describe("stackOfView", () => {
  it("the stack name read from the wrong resource or URN part", () => {
    expect(stackOfView(view({ users: ["urn:pulumi:prod-fa::oxmig::t::n"], userdbs: ["urn:pulumi:other::oxmig::t::n"] }))).toBe("prod-fa");
    expect(stackOfView(view({ userdbs: ["urn:pulumi:prod-im::oxmig::t::n"], pairings: ["urn:pulumi:other::x::t::n"] }))).toBe("prod-im");
    expect(stackOfView(view({ pairings: ["urn:pulumi:prod-x::oxmig::t::n"] }))).toBe("prod-x");
    expect(stackOfView(view({}))).toBeUndefined();
    expect(stackOfView(view({ users: ["x-urn:pulumi:prod-fa::oxmig"] }))).toBeUndefined();
  });
});

describe("lockScope (bindings-match-lock)", () => {
  it("an unsharded stack over a family lock compared with every entry, shard tags aside", () => {
    const locked = [entry(maria, "prod-fa"), entry(jan, "prod-im")];
    expect(lockScope(locked, [entry(maria), entry(jan)], false, "prod")).toEqual({ locked: [entry(maria), entry(jan)], declared: [entry(maria), entry(jan)] });
  });
  it("a shard compared with its own entries only", () => {
    const locked = [entry(maria, "prod-fa"), entry(jan, "prod-im")];
    expect(lockScope(locked, [entry(maria)], true, "prod-fa")).toEqual({ locked: [entry(maria, "prod-fa")], declared: [entry(maria, "prod-fa")] });
  });
});
