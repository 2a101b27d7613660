import { describe, expect, it } from "vitest";
import { lineRef, mailboxLabel, mailboxList, mailboxMessage, plainMessage, unknownText, userMessage } from "../../../policies/support/report";
import type { OxUserView } from "../../../policies/support/resources";

const user = (fields: Partial<OxUserView>): OxUserView => ({ urn: "urn:x", resourceName: "oxuser-1", protect: true, unknown: [], addresses: [], ...fields });

describe("report", () => {
  it("a mailbox named by something other than its primary address", () => {
    expect(mailboxLabel({ primaryEmail: "maria.mueller@fa-luebeck.example", mailboxId: "id-1", resourceName: "oxuser-1" })).toBe(
      "maria.mueller@fa-luebeck.example",
    );
    expect(mailboxLabel({ mailboxId: "id-1", resourceName: "oxuser-1" })).toBe("id-1");
    expect(mailboxLabel({ resourceName: "oxuser-1" })).toBe("oxuser-1");
  });
  it("a label with spaces or brackets breaks the gate's parseable prefix", () => {
    expect(mailboxLabel({ primaryEmail: "Maria Mueller <m@x.example>", mailboxId: "id (1)", resourceName: "oxuser-1" })).toBe("oxuser-1");
    expect(mailboxLabel({ primaryEmail: "", mailboxId: "[id]", resourceName: "two words" })).toBe("unnamed");
    expect(mailboxLabel({ primaryEmail: "a@x.example\n", resourceName: "r" })).toBe("r");
  });
  it("a list repeats an address when one person is named owner of two mailboxes (both get the person's primary address)", () => {
    const twice = [
      user({ primaryEmail: "maria.mueller@im.example", contextName: "fa-luebeck" }),
      user({ primaryEmail: "maria.mueller@im.example", contextName: "im" }),
    ];
    expect(mailboxList([...twice, user({ primaryEmail: "jan.schmidt@fa-luebeck.example" })])).toBe(
      "maria.mueller@im.example (2 mailboxes, contexts fa-luebeck, im), jan.schmidt@fa-luebeck.example",
    );
    expect(mailboxList([user({ primaryEmail: "a@x.example" }), user({ primaryEmail: "a@x.example" })])).toBe("a@x.example (2 mailboxes)");
    expect(mailboxList([user({ primaryEmail: "a@x.example" }), user({ primaryEmail: "b@x.example" })])).toBe("a@x.example, b@x.example");
  });
  it("a message loses or mangles the mailbox and owner", () => {
    expect(mailboxMessage("m@x.example", "mmueller", "text")).toBe("mailbox m@x.example (owner mmueller): text");
    expect(mailboxMessage("m@x.example", undefined, "text")).toBe("mailbox m@x.example: text");
    expect(mailboxMessage("m@x.example", "not a token", "text")).toBe("mailbox m@x.example: text");
    expect(mailboxMessage("bad mailbox", "", "text")).toBe("mailbox unnamed: text");
  });
  it("a user message names the declared login when no owner is given", () => {
    const u = user({ primaryEmail: "p@x.example", oxName: "shared-poststelle" });
    expect(userMessage(u, "text")).toBe("mailbox p@x.example (owner shared-poststelle): text");
    expect(userMessage(u, "text", "pkoch")).toBe("mailbox p@x.example (owner pkoch): text");
    expect(userMessage(user({ mailboxId: "id-9" }), "text")).toBe("mailbox id-9: text");
  });
  it("a plain message is given a mailbox prefix", () => {
    expect(plainMessage("policy pack cannot check bindings")).toBe("policy pack cannot check bindings");
  });
  it("file and line references and unknown texts read wrong", () => {
    expect(lineRef("directory.ldif", 412)).toBe("directory.ldif line 412");
    expect(unknownText("OX user", ["name"])).toBe("OX user name is unknown at preview; binding-critical values must be known");
    expect(unknownText("OX user", ["name", "imapLogin"])).toBe("OX user name, imapLogin are unknown at preview; binding-critical values must be known");
  });
});
