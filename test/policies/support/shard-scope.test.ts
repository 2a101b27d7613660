// The pack's shard scope (policies/support/shard-scope.ts): which lock entries a shard compares, and which stack a view is.
import { describe, expect, it } from "vitest";
import type { LockEntry } from "@oxmig/core/lock";
import { shardScope, stackOfView } from "../../../policies/support/shard-scope";
import type { StackView } from "../../../policies/support/stack";
import { lockScope } from "../../../policies/rules/bindings-match-lock";
import { lockEntries } from "../helpers";

const [maria, jan, post] = lockEntries();
const entry = (e: LockEntry | undefined, shard?: string): LockEntry => ({ ...e!, ...(shard ? { shard } : {}) });
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
