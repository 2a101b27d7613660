import { describe, expect, it } from "vitest";
import type { LockEntry } from "../../core/lock";
import { bindingsMatchLock } from "../../policies/rules/bindings-match-lock";
import { uniqueAcrossShards } from "../../policies/rules/unique-across-shards";
import { buildResources, FIXTURE_MAILBOXES, IDS } from "../fixtures/policies/plan";
import { config, expectNone, expectViolation, lockEntries, run, writeLock } from "./helpers";

// The helpers' URNs name stack "test": it is the luebeck shard here, "prod-kiel" holds kiel.
const SHARDS = { test: ["luebeck"], "prod-kiel": ["kiel"] };
const luebeck = FIXTURE_MAILBOXES.filter((m) => m.context === "luebeck");
const kiel = FIXTURE_MAILBOXES.filter((m) => m.context === "kiel");
const shardOf = (e: LockEntry): LockEntry => ({ ...e, shard: e.context === "luebeck" ? "test" : "prod-kiel" });
const familyLock = (edit: (kielEntries: LockEntry[]) => LockEntry[] = (e) => e) =>
  writeLock([...lockEntries(luebeck).map(shardOf), ...edit(lockEntries(kiel).map(shardOf))]);
const cfg = (lock: string, shards: Record<string, string[]> = SHARDS) => ({ ...config({ lock }), shards });

describe("unique-across-shards", () => {
  it("accepts a shard whose mailboxes no other shard's lock entries use", async () => {
    expectNone(await run(uniqueAcrossShards, buildResources(luebeck), cfg(familyLock())));
  });

  it("another shard's mailbox carries this shard's address as an alias", async () => {
    const lock = familyLock(([petra, ...rest]) => [{ ...petra!, addresses: [...petra!.addresses, "maria.mueller@fa-luebeck.example"] }, ...rest]);
    const found = await run(uniqueAcrossShards, buildResources(luebeck), cfg(lock));
    expectViolation(
      found,
      "mailbox maria.mueller@fa-luebeck.example of shard test",
      "mailbox petra.koch@fa-kiel.example",
      "of shard prod-kiel",
      "address maria.mueller@fa-luebeck.example",
    );
  });

  it("the same person owns a mailbox in two shards", async () => {
    const lock = familyLock(([petra, ...rest]) => [{ ...petra!, owner: { id: IDS.jan, uid: "pkoch" } }, ...rest]);
    expectViolation(
      await run(uniqueAcrossShards, buildResources(luebeck), cfg(lock)),
      "jan.schmidt@fa-luebeck.example of shard test",
      "shard prod-kiel",
      `owner id ${IDS.jan}`,
    );
  });

  it("the same Exchange source or login is planned in two shards", async () => {
    const guid = luebeck[2]!.sourceGuid;
    const lock = familyLock(([petra, raum]) => [
      { ...petra!, login: "mmueller" },
      { ...raum!, source: { ...raum!.source, exchangeGuid: guid } },
    ]);
    const found = await run(uniqueAcrossShards, buildResources(luebeck), cfg(lock));
    expectViolation(found, "shard test", "shard prod-kiel", "login mmueller");
    expectViolation(found, "poststelle@fa-luebeck.example of shard test", "raum-101@fa-kiel.example", `Exchange source ${guid}`);
  });

  it("entries without a shard field are placed by their context", async () => {
    const lock = writeLock([...lockEntries(luebeck), ...lockEntries(kiel).map((e) => ({ ...e, login: "jschmidt" }))]);
    expectViolation(await run(uniqueAcrossShards, buildResources(luebeck), cfg(lock)), "shard prod-kiel", "login jschmidt");
  });

  it("a stack outside the configured family is rejected, and without shards the rule does nothing", async () => {
    expectViolation(await run(uniqueAcrossShards, buildResources(luebeck), cfg(familyLock(), { "prod-kiel": ["kiel"] })), "stack test is not a shard");
    const lock = familyLock((entries) => entries.map((e) => ({ ...e, login: "mmueller" })));
    expectNone(await run(uniqueAcrossShards, buildResources(luebeck), config({ lock })));
  });
});

describe("bindings-match-lock with a family lock", () => {
  it("compares only this shard's entries: other shards' entries are not 'no longer declared'", async () => {
    expectNone(await run(bindingsMatchLock, buildResources(luebeck), cfg(familyLock())));
  });

  it("still reports this shard's own locked mailbox that is no longer declared", async () => {
    const found = await run(bindingsMatchLock, buildResources(luebeck.slice(1)), cfg(familyLock()));
    expectViolation(found, `id ${luebeck[0]!.id}) is in the lock`, "but no longer declared");
    expect(found.some((v) => v.message.includes(kiel[0]!.id))).toBe(false);
  });
});
