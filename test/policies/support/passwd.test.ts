import { describe, expect, it } from "vitest";
import { parsePasswd } from "../../../policies/support/passwd";

describe("parsePasswd", () => {
  it("a passwd line read with the wrong login, home or key password", () => {
    const text = "mmueller:::::/var/vmail/0b/0b9a:: userdb_quota=1G userdb_mail_crypt_private_password=k0b9a\n";
    expect(parsePasswd(text)).toEqual([{ login: "mmueller", home: "/var/vmail/0b/0b9a", keyPassword: "k0b9a", line: 1 }]);
  });
  it("blank lines shift the reported line numbers", () => {
    const text = "\n  \nmmueller:::::/h1::\n\njschmidt:::::/h2::userdb_mail_crypt_private_password=k2\n";
    const lines = parsePasswd(text);
    expect(lines.map((l) => [l.login, l.line])).toEqual([
      ["mmueller", 3],
      ["jschmidt", 5],
    ]);
    expect(lines[0]).not.toHaveProperty("keyPassword");
    expect(lines[1]!.keyPassword).toBe("k2");
  });
  it("a key password containing a colon is cut short", () => {
    expect(parsePasswd("pkoch:::::/h::userdb_mail_crypt_private_password=a:b")[0]!.keyPassword).toBe("a:b");
  });
  it("a key field before the extra fields is taken as the key password", () => {
    const [line] = parsePasswd("userdb_mail_crypt_private_password=x:::::/h::other=1");
    expect(line).toEqual({ login: "userdb_mail_crypt_private_password=x", home: "/h", line: 1 });
  });
  it("a short line yields undefined instead of empty fields", () => {
    expect(parsePasswd("lonely")).toEqual([{ login: "lonely", home: "", line: 1 }]);
  });
  it("an empty key password taken for a missing one", () => {
    expect(parsePasswd("a:::::/h::userdb_mail_crypt_private_password=")[0]!.keyPassword).toBe("");
  });
});
