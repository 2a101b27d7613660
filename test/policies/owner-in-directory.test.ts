// owner-in-directory: a personal mailbox's owner exists once in the directory, enabled, with the OX name as uid, and a
// functional mailbox carries no owner; with the exact messages and edge branches.
import { describe, expect, it } from "vitest";
import { ownerInDirectory } from "../../policies/rules/owner-in-directory";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { directoryPerson } from "./files";
import { attrs, expectNone, expectViolation, messagesOf, MISSING_ID, oxUser, run, UNKNOWN_STRING, USER_ATTRIBUTES } from "./helpers";

describe("owner-in-directory", () => {
  it("accepts owners that exist once, are enabled and whose uid is the OX name", async () => {
    expectNone(await run(ownerInDirectory, buildResources()));
  });
  it("rejects an owner id that is not in the directory", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.ownerId] = MISSING_ID;
    expectViolation(await run(ownerInDirectory, plan), "mailbox maria.mueller@fa-luebeck.example", "is not in the directory");
  });
  it("rejects a disabled owner", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = IDS.tom;
    expectViolation(await run(ownerInDirectory, plan), "directory uid tweber", "disabled");
  });
  it("owner column shifted by one row within a wave", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.ownerId] = IDS.jan;
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = IDS.petra;
    const violations = await run(ownerInDirectory, plan);
    expectViolation(violations, "mailbox maria.mueller@fa-luebeck.example (owner jschmidt)", `OX name "mmueller" differs`, "directory.ldif line 15");
    expectViolation(violations, "mailbox jan.schmidt@fa-luebeck.example (owner pkoch)", `OX name "jschmidt" differs`);
  });
  it("rejects a personal mailbox without an owner id", async () => {
    const plan = buildResources();
    delete attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.ownerId];
    expectViolation(await run(ownerInDirectory, plan), "has no userAttributes");
  });
  it("rejects a shared mailbox that carries a person as owner", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.poststelle))[USER_ATTRIBUTES.ownerId] = IDS.maria;
    expectViolation(await run(ownerInDirectory, plan), "shared mailbox must not carry an owner id");
  });
  it("rejects an unknown kind", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.kind] = "personnel";
    expectViolation(await run(ownerInDirectory, plan), `is "personnel", expected one of`);
  });
  it("fails closed (mandatory, not the SDK's advisory note) when the owner id is unknown at preview", async () => {
    const plan = buildResources(undefined, { withSecrets: false });
    attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.ownerId] = UNKNOWN_STRING;
    expectViolation(await run(ownerInDirectory, plan), "userAttributes.oxmig/owner-id is unknown at preview; binding-critical values must be known");
  });
  describe("an owner mismatch reported without naming whose name it is, or a kind misread", () => {
    it("an OX name of another person reported without naming whose it is", async () => {
      const plan = buildResources();
      oxUser(plan, IDS.maria).props.name = "JSchmidt";
      expect(await messagesOf(ownerInDirectory, plan)).toEqual([
        `mailbox maria.mueller@fa-luebeck.example (owner mmueller): OX name "JSchmidt" differs from the owner's uid: owner id ${IDS.maria} is ${directoryPerson("mmueller", IDS.maria, "luebeck", 4)}; the name belongs to ${directoryPerson("jschmidt", IDS.jan, "luebeck", 15)} and ${directoryPerson("jschmidt", IDS.julia, "kiel", 23)}`,
      ]);
    });
    it("a missing OX name passes or names a holder", async () => {
      const plan = buildResources();
      delete oxUser(plan, IDS.maria).props.name;
      expect(await messagesOf(ownerInDirectory, plan)).toEqual([
        `mailbox maria.mueller@fa-luebeck.example (owner mmueller): OX name "undefined" differs from the owner's uid: owner id ${IDS.maria} is ${directoryPerson("mmueller", IDS.maria, "luebeck", 4)}`,
      ]);
    });
    it("a missing kind or an owner on a room reported vaguely", async () => {
      const plan = buildResources();
      delete attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.kind];
      attrs(oxUser(plan, IDS.raum))[USER_ATTRIBUTES.ownerId] = IDS.petra;
      expect(await messagesOf(ownerInDirectory, plan)).toEqual([
        `mailbox maria.mueller@fa-luebeck.example (owner mmueller): userAttributes["oxmig/kind"] is "", expected one of personal, shared, room, equipment`,
        `mailbox raum-101@fa-kiel.example (owner room-raum101): a room mailbox must not carry an owner id (found ${IDS.petra}); it belongs to no person`,
      ]);
    });
    it("an equipment mailbox taken for an unknown kind", async () => {
      const plan = buildResources();
      attrs(oxUser(plan, IDS.raum))[USER_ATTRIBUTES.kind] = "equipment";
      expect(await messagesOf(ownerInDirectory, plan)).toEqual([]);
    });
  });
});
