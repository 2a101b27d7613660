import { describe, expect, it } from "vitest";
import { renderUserdb } from "@oxmig/core/userdb";

const line = (login: string, keyPassword = "k3yPassw0rd") => ({ login, home: `/var/vmail/${login}`, keyPassword });

describe("renderUserdb", () => {
  it("writes passwd-file lines with home and key password in the right fields", () => {
    expect(renderUserdb([line("anna")])).toBe("anna:::::/var/vmail/anna::userdb_mail_crypt_private_password=k3yPassw0rd\n");
  });

  it("lines come out sorted by login whatever the input order", () => {
    const text = renderUserdb([line("zoe"), line("anna"), line("mia")]);
    expect(
      text
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(":")[0]),
    ).toEqual(["anna", "mia", "zoe"]);
  });

  it("an empty userdb is an empty file, not a lone newline", () => {
    expect(renderUserdb([])).toBe("");
  });

  it("a login appearing twice is refused (two keys for one user)", () => {
    expect(() => renderUserdb([line("anna", "a1"), line("anna", "b2")])).toThrow(/"anna" appears twice/);
  });

  it.each([
    ["login with a colon", { ...line("an:na") }, /login "an:na"/],
    ["home with a space", { ...line("anna"), home: "/var/vmail/an na" }, /home/],
    ["empty home", { ...line("anna"), home: "" }, /home ""/],
    ["empty key password", line("anna", ""), /key password for "anna"/],
    ["key password with a colon", line("anna", "a:b"), /key password for "anna"/],
  ])("%s would shift the passwd-file fields and is refused", (_name, bad, message) => {
    expect(() => renderUserdb([bad])).toThrow(message);
  });

  it("the error for a bad key password does not print the password", () => {
    expect(() => renderUserdb([line("anna", "secret value")])).toThrow(expect.objectContaining({ message: expect.not.stringContaining("secret value") }));
  });
});
