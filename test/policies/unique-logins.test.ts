// unique-logins: OX names and Dovecot logins are used by one mailbox each, within a context and across the stack, and each
// login has one userdb line.
import { describe, expect, it } from "vitest";
import { K8S, type UserdbIndexEntry } from "@oxmig/core/contract";
import { uniqueLogins } from "../../policies/rules/unique-logins";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { editJson, expectNone, expectViolation, messagesOf, oxUser, record, run, UNKNOWN_AT_PREVIEW, UNKNOWN_STRING, USER_ATTRIBUTES } from "./helpers";

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
  describe("a shared login reported vaguely, or one person's mailboxes taken for a clash", () => {
    it("one person's mailboxes in two contexts taken for two people sharing a name", async () => {
      const plan = buildResources();
      const copy = structuredClone(oxUser(plan, IDS.jan));
      copy.name = "oxuser-copy";
      copy.props.contextName = "kiel";
      copy.props.imapLogin = "jschmidt-kiel";
      copy.props.userAttributes[USER_ATTRIBUTES.mailboxId] = "copy-id";
      expect(await messagesOf(uniqueLogins, [...plan, copy])).toEqual([]);
    });
    it("two mailboxes with one name in one context reported without both names", async () => {
      const plan = buildResources();
      oxUser(plan, IDS.poststelle).props.name = "mmueller";
      oxUser(plan, IDS.poststelle).props.imapLogin = "x";
      const text = `"luebeck/mmueller" is used by 2 mailboxes: maria.mueller@fa-luebeck.example, poststelle@fa-luebeck.example`;
      const across = `OX name "mmueller" is used by 2 mailboxes: maria.mueller@fa-luebeck.example, poststelle@fa-luebeck.example`;
      expect(await messagesOf(uniqueLogins, plan)).toEqual([
        `mailbox maria.mueller@fa-luebeck.example (owner mmueller): OX name in context ${text}`,
        `mailbox poststelle@fa-luebeck.example (owner mmueller): OX name in context ${text}`,
        `mailbox maria.mueller@fa-luebeck.example (owner mmueller): ${across}`,
        `mailbox poststelle@fa-luebeck.example (owner mmueller): ${across}`,
      ]);
    });
    it("mailboxes without an OX name grouped as one name", async () => {
      const plan = buildResources();
      delete oxUser(plan, IDS.maria).props.name;
      delete oxUser(plan, IDS.jan).props.name;
      expect(await messagesOf(uniqueLogins, plan)).toEqual([]);
    });
    it("a broken userdb index passes, or a doubled line is not located", async () => {
      const plan = buildResources();
      record(plan, "userdb-luebeck").props.metadata.annotations[K8S.annotationUserdbIndex] = "{}";
      record(plan, "userdb-kiel").props.metadata.labels[K8S.labelContext] = "kiel";
      editJson<UserdbIndexEntry>(record(plan, "userdb-kiel").props.metadata.annotations, K8S.annotationUserdbIndex, (ix) =>
        ix.push({ ...ix[0]!, mailboxId: "other-id" }),
      );
      const where = `userdb-kiel (mailbox ${IDS.petra}), userdb-kiel (mailbox other-id)`;
      expect(await messagesOf(uniqueLogins, plan)).toEqual([
        `userdb userdb-luebeck: metadata.annotations["${K8S.annotationUserdbIndex}"] is not a JSON array`,
        `mailbox ${IDS.petra}: Dovecot login "pkoch" has 2 userdb lines: ${where}`,
        `mailbox other-id: Dovecot login "pkoch" has 2 userdb lines: ${where}`,
      ]);
    });
    it("an unknown userdb index reported with the wrong wording", async () => {
      const plan = buildResources();
      record(plan, "userdb-kiel").props.metadata.annotations[K8S.annotationUserdbIndex] = UNKNOWN_STRING;
      expect(await messagesOf(uniqueLogins, plan)).toEqual([`userdb userdb-kiel: metadata.annotations["${K8S.annotationUserdbIndex}"] ${UNKNOWN_AT_PREVIEW}`]);
    });
  });
});
