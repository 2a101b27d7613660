// source-match-strength: the advisory list of sources tied to their owner by address and UPN only (the directory carries
// no objectGUID), and only those.
import { describe, expect, it } from "vitest";
import { sourceMatchStrength } from "../../policies/rules/source-match-strength";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { directoryPerson } from "./files";
import { attrs, expectViolation, messagesOf, MISSING_ID, oxUser, run, USER_ATTRIBUTES } from "./helpers";

describe("source-match-strength", () => {
  it("lists the weak matches (no objectGUID in the directory) and only those", async () => {
    const violations = await run(sourceMatchStrength, buildResources());
    expectViolation(violations, "mailbox maria.mueller@fa-luebeck.example", "weak source match");
    expectViolation(violations, "mailbox jan.schmidt@fa-luebeck.example", "weak source match");
    if (violations.some((v) => v.message.includes("petra.koch"))) throw new Error("the AD match of pkoch is strong");
  });
  it("is an advisory check named like the pack's other policies", () => {
    expect(sourceMatchStrength.name).toBe("source-match-strength");
    expect(sourceMatchStrength.enforcementLevel).toBe("advisory");
    expect(sourceMatchStrength.description).toMatch(/^Checks whether .*objectGUID.*\.$/);
  });
  it("a functional mailbox or a mailbox without source crashes or is listed", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.sourceGuid] = MISSING_ID;
    attrs(oxUser(plan, IDS.poststelle))[USER_ATTRIBUTES.ownerId] = IDS.maria;
    attrs(oxUser(plan, IDS.poststelle))[USER_ATTRIBUTES.sourceGuid] = "e0000000-0000-4000-8000-000000000001";
    delete attrs(oxUser(plan, IDS.raum))[USER_ATTRIBUTES.kind];
    expect(await messagesOf(sourceMatchStrength, plan)).toEqual([
      `mailbox maria.mueller@fa-luebeck.example (owner mmueller): weak source match: matched by address maria.mueller@fa-luebeck.example and UPN mmueller@corp.example only (the directory carries no objectGUID for ${directoryPerson("mmueller", IDS.maria, "luebeck", 4)})`,
    ]);
  });
});
