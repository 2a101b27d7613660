import { describe, expect, it } from "vitest";
import { DELEGATE_RIGHTS, readAclScript, renderAclScript } from "@oxmig/core/acl-grants";

describe("the doveadm ACL grant script", () => {
  it("reads back exactly the grants it was rendered from, one per mailbox and delegate", () => {
    const script = renderAclScript([
      { mailboxLogin: "shared-poststelle", delegateLogins: ["jschmidt", "mmueller", "jschmidt"] },
      { mailboxLogin: "room-raum101", delegateLogins: ["pkoch"] },
    ]);
    const reading = readAclScript(script);
    expect(reading.problems).toEqual([]);
    expect(reading.grants.map((g) => [g.mailboxLogin, g.mailbox, g.identifier, g.rights])).toEqual([
      ["room-raum101", "INBOX", "user=pkoch", [...DELEGATE_RIGHTS]],
      ["shared-poststelle", "INBOX", "user=jschmidt", [...DELEGATE_RIGHTS]],
      ["shared-poststelle", "INBOX", "user=mmueller", [...DELEGATE_RIGHTS]],
    ]);
  });

  it("renders a script without grants when nobody is a delegate", () => {
    expect(readAclScript(renderAclScript([]))).toEqual({ grants: [], problems: [] });
  });

  it("reads words as the shell splits them, quotes included", () => {
    const reading = readAclScript("doveadm acl set -u 'shared-a'b INBOX user='x'\\''y' lookup\n");
    expect(reading.grants[0]).toMatchObject({ line: 1, mailboxLogin: "shared-ab", identifier: "user=x'y" });
  });

  it("names every line that is not a plain grant", () => {
    const reading = readAclScript("doveadm acl set -u a INBOX anyone lookup\n$(id)\ndoveadm acl delete -u a INBOX anyone\ndoveadm acl set -u a INBOX anyone\n");
    expect(reading.grants).toHaveLength(1);
    expect(reading.problems).toEqual([
      `line 2: character "$" outside quotes`,
      `line 3: not of the form "doveadm acl set -u <login> <mailbox> <identifier> <right>…"`,
      `line 4: not of the form "doveadm acl set -u <login> <mailbox> <identifier> <right>…"`,
    ]);
  });
});
