import { describe, it } from "vitest";
import { ownerInDirectory } from "../../policies/rules/owner-in-directory";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { attrs, expectNone, expectViolation, oxUser, run, UNKNOWN_STRING, USER_ATTRIBUTES } from "./helpers";

describe("owner-in-directory", () => {
  it("accepts owners that exist once, are enabled and whose uid is the OX name", async () => {
    expectNone(await run(ownerInDirectory, buildResources()));
  });
  it("rejects an owner id that is not in the directory", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.ownerId] = "00000000-0000-4000-8000-0000000000ff";
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
});
