import { describe, expect, it } from "vitest";
import { readPasswdFile } from "@oxmig/core/passwd-file";
import { renderUserdb } from "@oxmig/core/userdb";

const one = (text: string, login = "anna") => {
  const entry = readPasswdFile(text).get(login);
  if (!entry) throw new Error(`no entry for ${login}`);
  return entry;
};
const KEY = "userdb_mail_crypt_private_password";

describe("readPasswdFile", () => {
  it("reads our own rendering without problems", () => {
    const text = renderUserdb([
      { login: "anna", home: "/var/vmail/an/anna", keyPassword: "k1" },
      { login: "ben", home: "/var/vmail/be/ben", keyPassword: "k2" },
    ]);
    const entries = readPasswdFile(text);
    expect([...entries.keys()]).toEqual(["anna", "ben"]);
    expect(entries.get("ben")).toEqual({
      login: "ben",
      line: 2,
      lines: [2],
      home: "/var/vmail/be/ben",
      keyPassword: "k2",
      otherFields: new Map(),
      problems: [],
    });
  });

  it("a userdb_home extra field overrides the home in field 6", () => {
    const entry = one(`anna:::::/h/anna::${KEY}=k1 userdb_home=/h/ben\n`);
    expect(entry.home).toBe("/h/ben");
    expect(entry.problems).toEqual([]);
  });

  it("a key password field repeated: the last one wins, and the repeat is a problem", () => {
    const entry = one(`anna:::::/h/anna::${KEY}=k1 ${KEY}=k2\n`);
    expect(entry.keyPassword).toBe("k2");
    expect(entry.problems).toEqual(["userdb field mail_crypt_private_password is set 2 times; Dovecot uses the last"]);
  });

  it("a login on two lines: Dovecot uses the first, and the duplicate is a problem", () => {
    const entry = one(`anna:::::/h/anna::${KEY}=k1\n# note\n\nanna:::::/h/ben::${KEY}=k2\n`);
    expect(entry).toMatchObject({ line: 1, lines: [1, 4], home: "/h/anna", keyPassword: "k1" });
    expect(entry.problems).toEqual(["login appears on lines 1, 4; Dovecot uses only the first"]);
  });

  it("comment lines, lines starting with ':' and CRLF endings are read as Dovecot reads them", () => {
    const entries = readPasswdFile(`#anna:::::/h/x::\n:anna:::::/h/y::\r\nanna:::::/h/anna::${KEY}=k1\r\n`);
    expect([...entries.keys()]).toEqual(["anna"]);
    expect(entries.get("anna")).toMatchObject({ line: 3, home: "/h/anna", keyPassword: "k1", problems: [] });
  });

  it("an empty 8th field makes the rest a mail location (old format)", () => {
    const entry = one("anna:::::/h/anna:::maildir:/h/ben/Maildir\n");
    expect(entry.mail).toBe("maildir:/h/ben/Maildir");
    expect(entry.problems).toContain("mail location is overridden (userdb field mail); mail would live elsewhere");
  });

  it("userdb_mail, mail_home, attribute dict and user overrides are problems", () => {
    const entry = one(
      `anna:::::/h/anna::${KEY}=k1 userdb_mail=maildir:/h/ben userdb_mail_home=/h/ben userdb_mail_attribute_dict=file:/h/ben/a userdb_user=ben\n`,
    );
    expect(entry.mail).toBe("maildir:/h/ben");
    expect([...entry.otherFields.keys()]).toEqual(["mail_home", "mail_attribute_dict", "user"]);
    expect(entry.problems).toEqual([
      "mail location is overridden (userdb field mail); mail would live elsewhere",
      "sets userdb field mail_home, which this stack never declares",
      "sets userdb field mail_attribute_dict, which this stack never declares",
      "sets userdb field user, which this stack never declares",
    ]);
  });

  it("fields past the 8th join the extra fields with ':'; tabs do not split them", () => {
    expect(one(`anna:::::/h/anna::${KEY}=k1:userdb_home=/h/ben\n`).keyPassword).toBe("k1:userdb_home=/h/ben");
    const tab = one(`anna:::::/h/anna::${KEY}=k1\tuserdb_home=/h/ben\n`);
    expect(tab.home).toBe("/h/anna");
    expect(tab.keyPassword).toBe("k1\tuserdb_home=/h/ben");
  });

  it(":remove, :protected and userdb_import are resolved and reported", () => {
    expect(one(`anna:::::/h/anna::${KEY}=k1 userdb_home:remove\n`)).not.toHaveProperty("home");
    expect(one(`anna:::::/h/anna::${KEY}=k1 userdb_home:protected=/h/ben\n`).home).toBe("/h/anna");
    expect(one(`anna:::::::${KEY}=k1 userdb_home:protected=/h/ben\n`).home).toBe("/h/ben");
    const imported = one(`anna:::::/h/anna::${KEY}=k1 userdb_userdb_import=home=/h/ben\n`);
    expect(imported.home).toBe("/h/ben");
    expect(imported.problems).toContain("userdb field userdb_import imports further fields");
  });

  it("values Dovecot %-expands, foreign fields and set passwd fields are problems", () => {
    expect(one(`anna:::::/h/anna::${KEY}=%u\n`).problems).toEqual(["userdb field mail_crypt_private_password contains '%', which Dovecot expands"]);
    expect(one(`anna:::::/h/anna::${KEY}=k1 nopassword\n`).problems).toEqual(["extra field nopassword is not a userdb field; this stack never declares it"]);
    expect(one(`anna:{PLAIN}x:1000::::/bin/sh:${KEY}=k1\n`).problems).toEqual([
      "field 2 (password) is set; this stack never sets it",
      "field 3 (uid) is set; this stack never sets it",
      "field 7 (shell) is set; this stack never sets it",
    ]);
  });

  it("a line without userdb fields and a login Dovecot never finds are problems", () => {
    expect(one("anna\n").problems).toEqual(["line has no userdb fields; Dovecot treats the login as unknown"]);
    expect(one(`Anna:::::/h/anna::${KEY}=k1\n`, "Anna").problems).toEqual([
      "Dovecot looks logins up lower-cased and never finds a login with capitals or blanks",
    ]);
  });

  it("problems name fields, never the key password", () => {
    const entry = one(`anna:::::/h/anna::${KEY}=s3cr3t ${KEY}=s3cr3t%u userdb_x=s3cr3t\n`);
    expect(entry.problems.join(" ")).not.toContain("s3cr3t");
  });
});
