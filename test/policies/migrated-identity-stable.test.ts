import { describe, expect, it } from "vitest";
import { migratedIdentityStable } from "../../policies/rules/migrated-identity-stable";
import { buildResources, FIXTURE_MAILBOXES, IDS } from "../fixtures/policies/plan";
import { attrs, config, expectNone, expectViolation, oxUser, run, USER_ATTRIBUTES } from "./helpers";
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
    expectViolation(
      await run(migratedIdentityStable, resources, lockOf()),
      "maria.mueller@fa-luebeck.example",
      `(${IDS.maria}) reached cut-over`,
      "same mailbox by Exchange source",
      "no longer has its home",
      'rekey: "<reason>"',
    );
  });

  it("a cut-over shared mailbox whose ExchangeGuid changed: new home, key and source", async () => {
    const other = "e0000000-0000-4000-8000-0000000000ff";
    const resources = buildResources(withSpec(IDS.poststelle, { id: other, sourceGuid: other }));
    expectViolation(
      await run(migratedIdentityStable, resources, lockOf()),
      "poststelle@fa-luebeck.example",
      "same mailbox by",
      "primary address",
      "Exchange source",
      'rekey: "<reason>" and rebind: "<reason>"',
    );
  });

  it("a cut-over mailbox re-bound to another Exchange source under the same id", async () => {
    const resources = buildResources(withSpec(IDS.maria, { sourceGuid: "e0000000-0000-4000-8000-000000000777" }));
    expectViolation(
      await run(migratedIdentityStable, resources, lockOf()),
      "maria.mueller@fa-luebeck.example",
      "same mailbox by mailbox id",
      "Exchange source",
      'rebind: "<reason>"',
    );
  });

  it("a re-created mailbox that left the plan earlier (retired in the lock) still counts", async () => {
    const entries = cutOver();
    const maria = entries.find((e) => e.mailbox === IDS.maria)!;
    const resources = buildResources(withSpec(IDS.maria, { id: NEW_ID, owner: NEW_ID }));
    expectViolation(
      await run(
        migratedIdentityStable,
        resources,
        lockOf(
          entries.filter((e) => e !== maria),
          [maria],
        ),
      ),
      "maria.mueller@fa-luebeck.example",
      "reached cut-over",
    );
  });

  it("accepts a reviewed rekey recorded in the lock", async () => {
    const entries = cutOver();
    const maria = entries.find((e) => e.mailbox === IDS.maria)!;
    const resources = buildResources(withSpec(IDS.maria, { id: NEW_ID, owner: NEW_ID }));
    const rekeyed = {
      ...maria,
      mailbox: NEW_ID,
      owner: { id: NEW_ID, uid: "mmueller" },
      home: `/var/vmail/0b/${NEW_ID}`,
      key: { name: `key-${NEW_ID}`, keeper: NEW_ID },
      rekey: "entry re-created (ticket 1)",
      replaces: [IDS.maria],
    };
    expectNone(await run(migratedIdentityStable, resources, lockOf([...entries.filter((e) => e !== maria), rekeyed], [maria])));
  });

  it("a mailbox still copying takes over the Exchange source of a cut-over mailbox that left the plan: the delivered mail stays behind", async () => {
    const entries = cutOver();
    const maria = entries.find((e) => e.mailbox === IDS.maria)!;
    const specs = FIXTURE_MAILBOXES.filter((m) => m.id !== IDS.maria).map((m) => (m.id === IDS.petra ? { ...m, sourceGuid: maria.source.exchangeGuid } : m));
    const violations = await run(
      migratedIdentityStable,
      buildResources(specs),
      lockOf(
        entries.filter((e) => e !== maria),
        [maria],
      ),
    );
    expectViolation(
      violations,
      "petra.koch@fa-kiel.example",
      `maria.mueller@fa-luebeck.example (${IDS.maria}) reached cut-over`,
      "same mailbox by Exchange source",
      "no longer has its home",
      'rekey: "<reason>"',
    );
  });

  it("a mailbox still copying that shares nothing with a retired cut-over mailbox is left alone", async () => {
    const entries = cutOver();
    const maria = entries.find((e) => e.mailbox === IDS.maria)!;
    const specs = FIXTURE_MAILBOXES.filter((m) => m.id !== IDS.maria);
    expectNone(
      await run(
        migratedIdentityStable,
        buildResources(specs),
        lockOf(
          entries.filter((e) => e !== maria),
          [maria],
        ),
      ),
    );
  });

  it("does nothing without a lock", async () => {
    expectNone(await run(migratedIdentityStable, buildResources(withSpec(IDS.maria, { id: NEW_ID, owner: NEW_ID }))));
  });
});

describe("migrated-identity-stable branches", () => {
  const messages = async (records: Parameters<typeof run>[1], cfg: unknown) => (await run(migratedIdentityStable, records, cfg)).map((v) => v.message);
  const HOME = `home /var/vmail/0b/${IDS.maria}`;
  const KEY = `key key-${IDS.maria} (keeper ${IDS.maria})`;
  const SOURCE = "Exchange source maria.mueller@fa-luebeck.example (e0000000-0000-4000-8000-000000000001)";
  /** The message about Maria's cut-over mailbox, as declared under `label (owner owner)`. */
  const lost = (label: string, owner: string, sameBy: string, fields: string, needs: string) =>
    `mailbox ${label} (owner ${owner}): mailbox maria.mueller@fa-luebeck.example (${IDS.maria}) reached cut-over (lock, wave w01); this declaration is the same mailbox by ${sameBy} but no longer has its ${fields}: mail already delivered there would be unreadable or mixed with another mailbox's; declare ${needs} on the mailbox in plan.yaml and have the relocked change reviewed`;
  const MARIA = "maria.mueller@fa-luebeck.example";

  it("registered under a name or description that does not say what it checks", () => {
    expect(migratedIdentityStable.name).toBe("migrated-identity-stable");
    expect(migratedIdentityStable.enforcementLevel).toBe("mandatory");
    expect(migratedIdentityStable.description).toMatch(/cut-over or later changes its home, key or Exchange source/);
  });

  it("the exact message for a re-created directory entry: every reason it is the same mailbox, every field it loses", async () => {
    const resources = buildResources(withSpec(IDS.maria, { id: NEW_ID, owner: NEW_ID }));
    expect(await messages(resources, lockOf())).toEqual([
      lost(MARIA, "mmueller", "Exchange source, source address, primary address, owner uid", `${HOME}, ${KEY}`, 'rekey: "<reason>"'),
    ]);
  });

  it("the owner named in the message is the directory's uid, not the OX user name", async () => {
    const resources = buildResources(withSpec(IDS.maria, { sourceGuid: "e0000000-0000-4000-8000-000000000777" }));
    oxUser(resources, IDS.maria).props.name = "maria-ox";
    expect(await messages(resources, lockOf())).toEqual([lost(MARIA, "mmueller", "mailbox id", SOURCE, 'rebind: "<reason>"')]);
  });

  it("a re-created person matched by owner uid alone: new id, new source, new address", async () => {
    const resources = buildResources(
      withSpec(IDS.maria, {
        id: NEW_ID,
        owner: NEW_ID,
        sourceGuid: "e0000000-0000-4000-8000-000000000777",
        primary: "maria.neu@fa-luebeck.example",
        aliases: [],
      }),
    );
    expect(await messages(resources, lockOf())).toEqual([
      lost("maria.neu@fa-luebeck.example", "mmueller", "owner uid", `${HOME}, ${KEY}, ${SOURCE}`, 'rekey: "<reason>" and rebind: "<reason>"'),
    ]);
  });

  it("a cut-over mailbox whose key resource is gone loses its key, without crashing the rule", async () => {
    const resources = buildResources().filter((r) => r.name !== `key-${IDS.maria}`);
    expect(await messages(resources, lockOf())).toEqual([lost(MARIA, "mmueller", "mailbox id", KEY, 'rekey: "<reason>"')]);
  });

  it("a cut-over mailbox declared without a primary address is still checked, named by its id", async () => {
    const resources = buildResources(withSpec(IDS.maria, { sourceGuid: "e0000000-0000-4000-8000-000000000777" }));
    delete oxUser(resources, IDS.maria).props.primaryEmail;
    expect(await messages(resources, lockOf())).toEqual([lost(IDS.maria, "mmueller", "mailbox id", SOURCE, 'rebind: "<reason>"')]);
  });

  it("a mailbox without an id is left to the chain rules, even when it carries a cut-over mailbox's source", async () => {
    const resources = buildResources();
    delete attrs(oxUser(resources, IDS.maria))[USER_ATTRIBUTES.mailboxId];
    expect(await messages(resources, lockOf())).toEqual([]);
  });

  it("a new mailbox duplicating a cut-over mailbox that is still declared is left to the uniqueness rules", async () => {
    const copy = { ...FIXTURE_MAILBOXES.find((m) => m.id === IDS.maria)!, id: NEW_ID, owner: NEW_ID, login: "mmueller2" };
    expect(await messages(buildResources([...FIXTURE_MAILBOXES, copy]), lockOf())).toEqual([]);
  });

  it("a rekey recorded in the lock does not cover a home other than the one the lock records", async () => {
    const entries = cutOver().map((e) => (e.mailbox === IDS.maria ? { ...e, home: "/srv/old/maria", rekey: "restored (ticket 2)" } : e));
    expect(await messages(buildResources(), lockOf(entries))).toEqual([lost(MARIA, "mmueller", "mailbox id", "home /srv/old/maria", 'rekey: "<reason>"')]);
  });
});
