// unique-across-shards: no mailbox, address, owner, Exchange source or login of this shard is planned in another shard of
// the family (read from the family lock).
import { describe, it } from "vitest";
import { uniqueAcrossShards } from "../../policies/rules/unique-across-shards";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { config, expectNone, expectViolation, lockEntries, run, writeLock } from "./helpers";
import { familyLock, kielMailboxes, luebeckMailboxes, shardConfig } from "./shard-fixtures";

describe("unique-across-shards", () => {
  it("accepts a shard whose mailboxes no other shard's lock entries use", async () => {
    expectNone(await run(uniqueAcrossShards, buildResources(luebeckMailboxes), shardConfig(familyLock())));
  });

  it("another shard's mailbox carries this shard's address as an alias", async () => {
    const lock = familyLock(([petra, ...rest]) => [{ ...petra!, addresses: [...petra!.addresses, "maria.mueller@fa-luebeck.example"] }, ...rest]);
    const found = await run(uniqueAcrossShards, buildResources(luebeckMailboxes), shardConfig(lock));
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
      await run(uniqueAcrossShards, buildResources(luebeckMailboxes), shardConfig(lock)),
      "jan.schmidt@fa-luebeck.example of shard test",
      "shard prod-kiel",
      `owner id ${IDS.jan}`,
    );
  });

  it("the same Exchange source or login is planned in two shards", async () => {
    const guid = luebeckMailboxes[2]!.sourceGuid;
    const lock = familyLock(([petra, raum]) => [
      { ...petra!, login: "mmueller" },
      { ...raum!, source: { ...raum!.source, exchangeGuid: guid } },
    ]);
    const found = await run(uniqueAcrossShards, buildResources(luebeckMailboxes), shardConfig(lock));
    expectViolation(found, "shard test", "shard prod-kiel", "login mmueller");
    expectViolation(found, "poststelle@fa-luebeck.example of shard test", "raum-101@fa-kiel.example", `Exchange source ${guid}`);
  });

  it("entries without a shard field are placed by their context", async () => {
    const lock = writeLock([...lockEntries(luebeckMailboxes), ...lockEntries(kielMailboxes).map((e) => ({ ...e, login: "jschmidt" }))]);
    expectViolation(await run(uniqueAcrossShards, buildResources(luebeckMailboxes), shardConfig(lock)), "shard prod-kiel", "login jschmidt");
  });

  it("a stack outside the configured family is rejected, and without shards the rule does nothing", async () => {
    expectViolation(
      await run(uniqueAcrossShards, buildResources(luebeckMailboxes), shardConfig(familyLock(), { "prod-kiel": ["kiel"] })),
      "stack test is not a shard",
    );
    const lock = familyLock((entries) => entries.map((e) => ({ ...e, login: "mmueller" })));
    expectNone(await run(uniqueAcrossShards, buildResources(luebeckMailboxes), config({ lock })));
  });
});
