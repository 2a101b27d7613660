import { describe, it } from "vitest";
import { migratedIdentityStable } from "../../policies/rules/migrated-identity-stable";
import { buildResources, FIXTURE_MAILBOXES, IDS } from "../fixtures/policies/plan";
import { config, expectNone, expectViolation, run } from "./helpers";
import { phasedEntries, writeHistoryLock } from "./lock-history-fixtures";

const NEW_ID = "0b9a6c1e-9999-4a99-8999-00000000beef";
const cutOver = () => phasedEntries({ w01: "cut-over" });
const lockOf = (entries = cutOver(), retired: ReturnType<typeof cutOver> = []) => config({ lock: writeHistoryLock({ mailboxes: entries, retired }) });
const withSpec = (id: string, change: Partial<(typeof FIXTURE_MAILBOXES)[number]>) => FIXTURE_MAILBOXES.map((m) => (m.id === id ? { ...m, ...change } : m));

describe("migrated-identity-stable", () => {
  it("accepts cut-over mailboxes that keep their id, home, key and source", async () => {
    expectNone(await run(migratedIdentityStable, buildResources(), lockOf()));
  });

  it("accepts identity changes of mailboxes still copying", async () => {
    const resources = buildResources(withSpec(IDS.maria, { id: NEW_ID, owner: NEW_ID }));
    expectNone(await run(migratedIdentityStable, resources, lockOf(phasedEntries({}))));
  });

  it("a directory entry re-created with a new entryUUID under a cut-over person: new home and key", async () => {
    const resources = buildResources(withSpec(IDS.maria, { id: NEW_ID, owner: NEW_ID }));
    expectViolation(await run(migratedIdentityStable, resources, lockOf()), "maria.mueller@fa-luebeck.example", `(${IDS.maria}) reached cut-over`, "same mailbox by Exchange source", "no longer has its home", 'rekey: "<reason>"');
  });

  it("a cut-over shared mailbox whose ExchangeGuid changed: new home, key and source", async () => {
    const other = "e0000000-0000-4000-8000-0000000000ff";
    const resources = buildResources(withSpec(IDS.poststelle, { id: other, sourceGuid: other }));
    expectViolation(await run(migratedIdentityStable, resources, lockOf()), "poststelle@fa-luebeck.example", "same mailbox by", "primary address", "Exchange source", 'rekey: "<reason>" and rebind: "<reason>"');
  });

  it("a cut-over mailbox re-bound to another Exchange source under the same id", async () => {
    const resources = buildResources(withSpec(IDS.maria, { sourceGuid: "e0000000-0000-4000-8000-000000000777" }));
    expectViolation(await run(migratedIdentityStable, resources, lockOf()), "maria.mueller@fa-luebeck.example", "same mailbox by mailbox id", "Exchange source", 'rebind: "<reason>"');
  });

  it("a re-created mailbox that left the plan earlier (retired in the lock) still counts", async () => {
    const entries = cutOver();
    const maria = entries.find((e) => e.mailbox === IDS.maria)!;
    const resources = buildResources(withSpec(IDS.maria, { id: NEW_ID, owner: NEW_ID }));
    expectViolation(await run(migratedIdentityStable, resources, lockOf(entries.filter((e) => e !== maria), [maria])), "maria.mueller@fa-luebeck.example", "reached cut-over");
  });

  it("accepts a reviewed rekey recorded in the lock", async () => {
    const entries = cutOver();
    const maria = entries.find((e) => e.mailbox === IDS.maria)!;
    const resources = buildResources(withSpec(IDS.maria, { id: NEW_ID, owner: NEW_ID }));
    const rekeyed = { ...maria, mailbox: NEW_ID, owner: { id: NEW_ID, uid: "mmueller" }, home: `/var/vmail/0b/${NEW_ID}`, key: { name: `key-${NEW_ID}`, keeper: NEW_ID }, rekey: "entry re-created (ticket 1)", replaces: [IDS.maria] };
    expectNone(await run(migratedIdentityStable, resources, lockOf([...entries.filter((e) => e !== maria), rekeyed], [maria])));
  });

  it("does nothing without a lock", async () => {
    expectNone(await run(migratedIdentityStable, buildResources(withSpec(IDS.maria, { id: NEW_ID, owner: NEW_ID }))));
  });
});
