import { describe, it } from "vitest";
import { oneMailboxPerPerson } from "../../policies/rules/one-mailbox-per-person";
import { sourceMigratesOnce } from "../../policies/rules/source-migrates-once";
import { uniqueAddresses } from "../../policies/rules/unique-addresses";
import { uniqueLogins } from "../../policies/rules/unique-logins";
import { K8S, type Pairing, type UserdbIndexEntry } from "../../core/contract";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { attrs, editJson, expectNone, expectViolation, oxUser, record, run, UNKNOWN_STRING, USER_ATTRIBUTES } from "./helpers";

describe("unique-addresses", () => {
  it("accepts a plan where every address routes to one mailbox", async () => {
    expectNone(await run(uniqueAddresses, buildResources()));
  });
  it("rejects an address routed to two mailboxes, compared normalised", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.raum).props.aliases = ["INFO@fa-luebeck.example"];
    expectViolation(
      await run(uniqueAddresses, plan),
      "address info@fa-luebeck.example routes to 2 mailboxes: poststelle@fa-luebeck.example, raum-101@fa-kiel.example",
    );
  });
  it("fails closed on an unknown address", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.raum).props.email1 = UNKNOWN_STRING;
    expectViolation(await run(uniqueAddresses, plan), "email1 is unknown at preview");
  });
});

describe("one-mailbox-per-person", () => {
  it("accepts one personal mailbox per owner", async () => {
    expectNone(await run(oneMailboxPerPerson, buildResources()));
  });
  it("rejects a person owning two personal mailboxes", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = IDS.maria;
    expectViolation(await run(oneMailboxPerPerson, plan), "directory uid mmueller", "owns 2 personal mailboxes");
  });
});

describe("source-migrates-once", () => {
  it("accepts each source paired once and backing one mailbox", async () => {
    expectNone(await run(sourceMigratesOnce, buildResources()));
  });
  it("rejects one source backing two mailboxes", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.sourceGuid] = attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.sourceGuid]!;
    expectViolation(await run(sourceMigratesOnce, plan), "backs 2 mailboxes");
  });
  it("rejects a source paired in two waves", async () => {
    const plan = buildResources();
    const extra = JSON.parse(record(plan, "pairings-w01").props.data[K8S.pairingsDataKey])[0];
    editJson<Pairing>(record(plan, "pairings-w02").props.data, K8S.pairingsDataKey, (t) => t.push(extra));
    expectViolation(await run(sourceMigratesOnce, plan), "appears in 2 pairings", "pairings-w01", "pairings-w02");
  });
  it("rejects a pairing that feeds a different mailbox", async () => {
    const plan = buildResources();
    editJson<Pairing>(record(plan, "pairings-w01").props.data, K8S.pairingsDataKey, (t) => {
      t[0] = { ...t[0]!, mailboxId: IDS.jan };
    });
    expectViolation(await run(sourceMigratesOnce, plan), `is paired to mailbox ${IDS.jan}`);
  });
  it("rejects a mailbox whose source is never paired, and a pairing nobody declares", async () => {
    const plan = buildResources();
    editJson<Pairing>(record(plan, "pairings-w02").props.data, K8S.pairingsDataKey, (t) => {
      t[1] = { ...t[1]!, sourceExchangeGuid: "e0000000-0000-4000-8000-000000000005" };
    });
    const violations = await run(sourceMigratesOnce, plan);
    expectViolation(violations, "mailbox raum-101@fa-kiel.example", "appears in 0 pairings");
    expectViolation(violations, "e0000000-0000-4000-8000-000000000005, which no OX user declares");
  });
  it("fails closed on an unknown pairing table", async () => {
    const plan = buildResources();
    record(plan, "pairings-w01").props.data[K8S.pairingsDataKey] = UNKNOWN_STRING;
    expectViolation(await run(sourceMigratesOnce, plan), `data["pairings.json"] is unknown at preview`);
  });
});

describe("unique-logins", () => {
  it("accepts distinct OX names and Dovecot logins", async () => {
    expectNone(await run(uniqueLogins, buildResources()));
  });
  it("rejects one OX name for two people in different contexts (homonyms)", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.petra).props.name = "jschmidt";
    expectViolation(await run(uniqueLogins, plan), `OX name "jschmidt" is used by 2 mailboxes`);
  });
  it("rejects two mailboxes sharing an imapLogin", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.raum).props.imapLogin = "pkoch";
    expectViolation(await run(uniqueLogins, plan), `Dovecot login (imapLogin) "pkoch" is used by 2 mailboxes`);
  });
  it("rejects a login with two userdb lines", async () => {
    const plan = buildResources();
    editJson<UserdbIndexEntry>(record(plan, "userdb-kiel").props.metadata.annotations, K8S.annotationUserdbIndex, (ix) => ix.push({ ...ix[0]! }));
    expectViolation(await run(uniqueLogins, plan), `Dovecot login "pkoch" has 2 userdb lines`);
  });
  it("fails closed on an unknown userdb index", async () => {
    const plan = buildResources();
    record(plan, "userdb-kiel").props.metadata.annotations[K8S.annotationUserdbIndex] = UNKNOWN_STRING;
    expectViolation(await run(uniqueLogins, plan), "userdb-index", "is unknown at preview");
  });
});
