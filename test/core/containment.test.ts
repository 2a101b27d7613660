import { describe, expect, it } from "vitest";
import { denyPassdbBlock, renderDenyList } from "../../core/containment";
import { readPasswdFile } from "../../core/passwd-file";

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
