import { describe, expect, it } from "vitest";
import { addressesBelongToOwner } from "../../policies/rules/addresses-belong-to-owner";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { LDIF, CSV } from "./files";
import { attrs, expectNone, expectViolation, oxUser, run, UNKNOWN_STRING, USER_ATTRIBUTES } from "./helpers";

describe("addresses-belong-to-owner", () => {
  it("accepts the owners' directory addresses and the functional mailboxes' Exchange addresses", async () => {
    expectNone(await run(addressesBelongToOwner, buildResources()));
  });
  it("alias that belongs to someone else", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.jan).props.aliases = ["m.mueller@fa-luebeck.example"];
    expectViolation(
      await run(addressesBelongToOwner, plan),
      "mailbox jan.schmidt@fa-luebeck.example",
      "m.mueller@fa-luebeck.example (aliases[0]) belongs to directory uid mmueller",
      "directory.ldif line 4",
    );
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
    expectViolation(
      await run(addressesBelongToOwner, plan),
      "jan.schmidt@fa-luebeck.example (primaryEmail) belongs to directory uid jschmidt (id 3f25c0de-2222-4a22-8222-000000000002, ou luebeck",
    );
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
  it("one foreign address in several fields reported once per field, not once per address", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.jan).props.defaultSenderAddress = "m.mueller@fa-luebeck.example";
    oxUser(plan, IDS.jan).props.aliases = ["M.Mueller@fa-luebeck.example"];
    expect((await run(addressesBelongToOwner, plan)).map((v) => v.message)).toEqual([
      `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): address m.mueller@fa-luebeck.example (defaultSenderAddress) belongs to directory uid mmueller (id ${IDS.maria}, ou luebeck, ${LDIF} line 4), not to the owner`,
    ]);
  });
  it("a personal mailbox whose source is not in the export accepted with a foreign address", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.sourceGuid] = "e0000000-0000-4000-8000-000000000099";
    expectNone(await run(addressesBelongToOwner, plan));
    oxUser(plan, IDS.jan).props.aliases = ["chef@fa-luebeck.example"];
    expect((await run(addressesBelongToOwner, plan)).map((v) => v.message)).toEqual([
      `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): address chef@fa-luebeck.example (aliases[0]) is neither the owner's in ${LDIF} nor the source mailbox's in ${CSV}; nobody in the exports carries it`,
    ]);
  });
  it("a functional mailbox carrying a person's or another source's address, named as if it had an owner", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.raum).props.aliases = ["petra.koch@fa-kiel.example", "info@fa-luebeck.example"];
    expect((await run(addressesBelongToOwner, plan)).map((v) => v.message)).toEqual([
      `mailbox raum-101@fa-kiel.example (owner room-raum101): address petra.koch@fa-kiel.example (aliases[0]) belongs to directory uid pkoch (id ${IDS.petra}, ou kiel, ${LDIF} line 31)`,
      `mailbox raum-101@fa-kiel.example (owner room-raum101): address info@fa-luebeck.example (aliases[1]) is neither the owner's in ${LDIF} nor the source mailbox's in ${CSV}; it belongs to Exchange mailbox poststelle@fa-luebeck.example (ExchangeGuid ${IDS.poststelle}, ${CSV} line 7)`,
    ]);
  });
  it("addresses checked against nobody when the owner or source is missing", async () => {
    const plan = buildResources();
    delete attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId];
    attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.ownerId] = "00000000-0000-4000-8000-0000000000ff";
    delete attrs(oxUser(plan, IDS.raum))[USER_ATTRIBUTES.sourceGuid];
    attrs(oxUser(plan, IDS.poststelle))[USER_ATTRIBUTES.sourceGuid] = "e0000000-0000-4000-8000-0000000000ff";
    expect((await run(addressesBelongToOwner, plan)).map((v) => v.message)).toEqual([
      `mailbox maria.mueller@fa-luebeck.example (owner mmueller): addresses cannot be checked: owner id 00000000-0000-4000-8000-0000000000ff is not in ${LDIF}`,
      `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): addresses cannot be checked: owner id (none) is not in ${LDIF}`,
      `mailbox poststelle@fa-luebeck.example (owner shared-poststelle): addresses cannot be checked: source ExchangeGuid e0000000-0000-4000-8000-0000000000ff is not in ${CSV}`,
      `mailbox raum-101@fa-kiel.example (owner room-raum101): addresses cannot be checked: source ExchangeGuid (none) is not in ${CSV}`,
    ]);
  });
});
