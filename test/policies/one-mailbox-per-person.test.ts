// one-mailbox-per-person: a person owns at most one personal mailbox in the stack; shared and resource mailboxes count for
// nobody.
import { describe, expect, it } from "vitest";
import { oneMailboxPerPerson } from "../../policies/rules/one-mailbox-per-person";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { LDIF } from "./files";
import { attrs, expectNone, expectViolation, messagesOf, MISSING_ID, oxUser, run, USER_ATTRIBUTES } from "./helpers";

describe("one-mailbox-per-person", () => {
  it("accepts one personal mailbox per owner", async () => {
    expectNone(await run(oneMailboxPerPerson, buildResources()));
  });
  it("rejects a person owning two personal mailboxes", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = IDS.maria;
    expectViolation(await run(oneMailboxPerPerson, plan), "directory uid mmueller", "owns 2 personal mailboxes");
  });
  describe("a second mailbox reported without the other one, or a shared one counted as personal", () => {
    it("a person's second mailbox reported without the other mailbox or under the wrong owner", async () => {
      const plan = buildResources();
      attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = MISSING_ID;
      attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.ownerId] = MISSING_ID;
      const text = `owner id ${MISSING_ID} (not in ${LDIF}) owns 2 personal mailboxes: maria.mueller@fa-luebeck.example, jan.schmidt@fa-luebeck.example`;
      expect(await messagesOf(oneMailboxPerPerson, plan)).toEqual([
        `mailbox maria.mueller@fa-luebeck.example (owner mmueller): ${text}`,
        `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): ${text}`,
      ]);
    });
    it("a shared mailbox counted as its (wrongly declared) owner's personal mailbox", async () => {
      const plan = buildResources();
      attrs(oxUser(plan, IDS.poststelle))[USER_ATTRIBUTES.ownerId] = IDS.maria;
      expect(await messagesOf(oneMailboxPerPerson, plan)).toEqual([]);
    });
  });
});
