import { describe, expect, it } from "vitest";
import { containedLogins, denyPassdbBlock, readDenyList, renderDenyList } from "@oxmig/core/containment";
import { readPasswdFile } from "@oxmig/core/passwd-file";
import { personalBinding } from "../infra/components/fixtures";

describe("the deny list of contained logins", () => {
  it("lists each login once, sorted, one per line", () => {
    expect(renderDenyList(["ben", "anna", "ben"])).toBe("anna\nben\n");
    expect(renderDenyList([])).toBe("");
  });

  it("refuses a login Dovecot would read as a mask or as more than one field", () => {
    expect(() => renderDenyList(["j*"])).toThrow(/cannot contain "j\*": .*wildcard/);
    expect(() => renderDenyList(["anna ben"])).toThrow(/cannot contain "anna ben"/);
  });

  it("is a passwd-file whose users are exactly the contained logins, as Dovecot reads it", () => {
    const read = readPasswdFile(renderDenyList(["anna", "ben"]));
    expect([...read.keys()].sort()).toEqual(["anna", "ben"]);
  });

  it("declares the file as a deny passdb", () => {
    expect(denyPassdbBlock("/etc/dovecot/deny/im")).toBe("passdb {\n  driver = passwd-file\n  args = /etc/dovecot/deny/im\n  deny = yes\n}");
  });
});

describe("the deny list as the gate reads it back", () => {
  it("reads the rendered list as exactly its logins, each with its line", () => {
    const read = readDenyList(renderDenyList(["ben", "anna"]));
    expect([...read.logins]).toEqual([
      ["anna", 1],
      ["ben", 2],
    ]);
    expect(read.problems).toEqual([]);
  });

  it("skips what Dovecot skips: empty lines, comments, lines starting with a colon", () => {
    expect([...readDenyList("\n# anna\n:ben\ncarl\r\n").logins.keys()]).toEqual(["carl"]);
    expect(readDenyList("").logins.size).toBe(0);
  });

  it("names a line Dovecot would never match as a login lookup: capitals, a mask, more than a login", () => {
    const read = readDenyList("MMueller\nj*\nanna:{PLAIN}x\n");
    expect(read.problems.map((p) => [p.line, p.problem])).toEqual([
      [1, expect.stringMatching(/"MMueller" is not a literal login: .*upper case/)],
      [2, expect.stringMatching(/"j\*" is not a literal login: .*wildcard/)],
      [3, "holds more than a login (a deny list names logins only)"],
    ]);
  });
});

describe("containedLogins", () => {
  it("is the Dovecot login of every contained binding, and nobody else's", () => {
    const anna = personalBinding("anna", "aa11");
    const ben = { ...personalBinding("ben", "bb22"), contain: "INC-1: holds foreign mail" };
    expect(containedLogins([anna, ben])).toEqual(["ben"]);
    expect(containedLogins([anna])).toEqual([]);
  });
});
