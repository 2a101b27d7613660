import { describe, it } from "vitest";
import { sourceBelongsToOwner } from "../../policies/rules/source-belongs-to-owner";
import { sourceMatchStrength } from "../../policies/rules/source-match-strength";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { attrs, expectNone, expectViolation, oxUser, run, USER_ATTRIBUTES } from "./helpers";

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
});

describe("source-match-strength", () => {
  it("lists the weak matches (no objectGUID in the directory) and only those", async () => {
    const violations = await run(sourceMatchStrength, buildResources());
    expectViolation(violations, "mailbox maria.mueller@fa-luebeck.example", "weak source match");
    expectViolation(violations, "mailbox jan.schmidt@fa-luebeck.example", "weak source match");
    if (violations.some((v) => v.message.includes("petra.koch"))) throw new Error("the AD match of pkoch is strong");
  });
});
