// source-belongs-to-owner: a mailbox's Exchange source is tied to its owner (by objectGUID, or by address and UPN) and of
// its kind; with the exact messages when it cannot be checked.
import { describe, expect, it } from "vitest";
import { sourceBelongsToOwner } from "../../policies/rules/source-belongs-to-owner";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { CSV, LDIF } from "./files";
import { attrs, expectNone, expectViolation, messagesOf, MISSING_ID, oxUser, run, USER_ATTRIBUTES } from "./helpers";

const guid = (n: string) => `e0000000-0000-4000-8000-${n.padStart(12, "0")}`;

describe("source-belongs-to-owner", () => {
  it("accepts sources tied by objectGUID (AD) or by address and UPN", async () => {
    expectNone(await run(sourceBelongsToOwner, buildResources()));
  });
  it("source mailbox paired to a different person's target", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.sourceGuid] = guid("2");
    expectViolation(
      await run(sourceBelongsToOwner, plan),
      "mailbox maria.mueller@fa-luebeck.example (owner mmueller)",
      "jan.schmidt@fa-luebeck.example",
      "exchange.csv line 3",
      "cannot be tied to the owner",
    );
  });
  it("rejects an AD owner whose objectGUID is not the source's account Guid", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.petra))[USER_ATTRIBUTES.sourceGuid] = guid("3");
    expectViolation(
      await run(sourceBelongsToOwner, plan),
      "belongs to AD account a0000000-0000-4000-8000-000000000003 (not in the directory)",
      "objectGUID 5a5a0000-4444-4a44-8444-000000000004",
    );
  });
  it("rejects a non-AD owner whose source belongs to an AD person", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.sourceGuid] = guid("4");
    expectViolation(await run(sourceBelongsToOwner, plan), "belongs to AD account 5a5a0000-4444-4a44-8444-000000000004 = directory uid pkoch");
  });
  it("rejects a source GUID that is not in the Exchange export", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.sourceGuid] = guid("99");
    expectViolation(await run(sourceBelongsToOwner, plan), "is not an ExchangeGuid in");
  });
  it("rejects a kind that does not match RecipientTypeDetails", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.raum))[USER_ATTRIBUTES.kind] = "equipment";
    expectViolation(await run(sourceBelongsToOwner, plan), "a equipment mailbox needs a EquipmentMailbox source", "is a RoomMailbox");
  });
  describe("a source or owner missing from the exports", () => {
    it("a source or owner that cannot be found reported without the declared value", async () => {
      const plan = buildResources();
      delete attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.sourceGuid];
      attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = MISSING_ID;
      delete attrs(oxUser(plan, IDS.petra))[USER_ATTRIBUTES.ownerId];
      expect(await messagesOf(sourceBelongsToOwner, plan)).toEqual([
        `mailbox maria.mueller@fa-luebeck.example (owner mmueller): userAttributes["oxmig/source-exchange-guid"] (missing) is not an ExchangeGuid in ${CSV}`,
        `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): source cannot be checked: owner id ${MISSING_ID} is not in ${LDIF}`,
        `mailbox petra.koch@fa-kiel.example (owner pkoch): source cannot be checked: owner id (none) is not in ${LDIF}`,
      ]);
    });
  });
});
