import { describe, it } from "vitest";
import { addressesBelongToOwner } from "../../policies/rules/addresses-belong-to-owner";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { attrs, expectNone, expectViolation, oxUser, run, UNKNOWN_STRING, USER_ATTRIBUTES } from "./helpers";

describe("addresses-belong-to-owner", () => {
  it("accepts the owners' directory addresses and the functional mailboxes' Exchange addresses", async () => {
    expectNone(await run(addressesBelongToOwner, buildResources()));
  });
  it("alias that belongs to someone else", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.jan).props.aliases = ["m.mueller@fa-luebeck.example"];
    expectViolation(await run(addressesBelongToOwner, plan), "mailbox jan.schmidt@fa-luebeck.example", "m.mueller@fa-luebeck.example (aliases[0]) belongs to directory uid mmueller", "directory.ldif line 4");
  });
  it("rejects an address nobody in the exports carries", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.aliases.push("chefin@fa-luebeck.example");
    expectViolation(await run(addressesBelongToOwner, plan), "chefin@fa-luebeck.example", "nobody in the exports carries it");
  });
  it("compares addresses normalised (case does not hide a foreign address)", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.jan).props.defaultSenderAddress = "Maria.Mueller@FA-Luebeck.example";
    expectViolation(await run(addressesBelongToOwner, plan), "(defaultSenderAddress) belongs to directory uid mmueller");
  });
  it("two owners swapped", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.ownerId] = IDS.jan;
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = IDS.maria;
    const violations = await run(addressesBelongToOwner, plan);
    expectViolation(violations, "mailbox maria.mueller@fa-luebeck.example", "belongs to directory uid mmueller", "not to the owner");
    expectViolation(violations, "mailbox jan.schmidt@fa-luebeck.example", "belongs to directory uid jschmidt (id 3f25c0de-2222");
  });
  it("homonym in another organisation chosen as owner", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = IDS.julia;
    expectViolation(await run(addressesBelongToOwner, plan), "jan.schmidt@fa-luebeck.example (primaryEmail) belongs to directory uid jschmidt (id 3f25c0de-2222-4a22-8222-000000000002, ou luebeck");
  });
  it("rejects a shared mailbox that carries a person's address", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.poststelle).props.aliases.push("poststelle-kiel@fa-kiel.example");
    expectViolation(await run(addressesBelongToOwner, plan), "mailbox poststelle@fa-luebeck.example", "belongs to directory uid pkoch");
  });
  it("rejects a room mailbox with another Exchange mailbox's address", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.raum).props.aliases = ["info@fa-luebeck.example"];
    expectViolation(await run(addressesBelongToOwner, plan), "info@fa-luebeck.example", "belongs to Exchange mailbox poststelle@fa-luebeck.example");
  });
  it("fails closed when an alias is unknown at preview", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.aliases = [UNKNOWN_STRING];
    expectViolation(await run(addressesBelongToOwner, plan), "aliases[0] is unknown at preview");
  });
});
