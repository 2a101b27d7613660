import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ouFromDn, parseDirectory } from "@oxmig/core/directory";
import { errorsOf } from "../support/input-errors";

const FIXTURE = join(__dirname, "../fixtures/inputs/good/directory.ldif");
const FILE = "inventory/staging/directory.ldif";
const GUID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
const GUID_B64 = "4AQlP4lP0xGaDAMF6CwzAQ==";

/** One inetOrgPerson entry; `extra` lines are appended, `drop` removes lines starting with it. */
function person(uid: string, extra: string[] = [], drop: string[] = []): string {
  const lines = [
    `dn: uid=${uid},ou=fa-luebeck,dc=example`,
    "objectClass: inetOrgPerson",
    `uid: ${uid}`,
    `entryUUID: ${uid === "a" ? "11111111-1111-4111-8111-111111111111" : "22222222-2222-4222-8222-222222222222"}`,
    `cn: Person ${uid}`,
    `mail: ${uid}@fa-luebeck.example`,
    ...extra,
  ];
  return lines.filter((l) => !drop.some((d) => l.startsWith(d))).join("\n") + "\n";
}

describe("parseDirectory on the fixture", () => {
  const people = parseDirectory(readFileSync(FIXTURE), FILE);
  const byUid = new Map(people.map((p) => [p.uid, p]));

  it("keeps people only, skipping the domain, ou and group entries", () => {
    expect(people.map((p) => p.uid)).toEqual(["mmueller", "jschmidt", "jweiss"]);
  });

  it("takes entryUUID in canonical lower case as the immutable id", () => {
    expect(byUid.get("mmueller")).toMatchObject({ immutableId: "5b3f6a2e-8c1d-4e7a-9f10-2b3c4d5e6f70", idSource: "entryUUID", line: 15 });
  });

  it("turns AD objectGUID bytes into the GUID Exchange prints", () => {
    expect(byUid.get("jweiss")).toMatchObject({ immutableId: GUID, objectGuid: GUID, idSource: "objectGUID" });
  });

  it("reads names, addresses and the organisation", () => {
    const maria = byUid.get("mmueller")!;
    expect(maria).toMatchObject({ displayName: "Maria Müller", givenName: "Maria", sn: "Müller", ou: "fa-luebeck", disabled: false });
    expect(maria.mail?.normalised).toBe("maria.mueller@fa-luebeck.example");
    expect(maria.aliases.map((a) => a.normalised)).toEqual(["m.mueller@fa-luebeck.example", "maria.mueller@steuer.example"]);
    expect(byUid.get("jschmidt")).toMatchObject({ displayName: "Jana Schmidt", ou: "fa-luebeck" });
    expect(byUid.get("jschmidt")?.mail).toEqual({ display: "Jana.Schmidt@FA-Luebeck.example", normalised: "jana.schmidt@fa-luebeck.example" });
    expect(byUid.get("jweiss")).toMatchObject({ ou: "fa-kiel", displayName: "Jürgen Weiß", disabled: false });
  });
});

describe("parseDirectory details", () => {
  it("lets entryUUID win over objectGUID but keeps objectGuid for the Exchange match", () => {
    const [p] = parseDirectory(person("a", [`objectGUID:: ${GUID_B64}`]), FILE);
    expect(p).toMatchObject({ immutableId: "11111111-1111-4111-8111-111111111111", idSource: "entryUUID", objectGuid: GUID });
  });

  it("marks locked (pwdAccountLockedTime) and AD-disabled (userAccountControl bit 2) accounts", () => {
    expect(parseDirectory(person("a", ["pwdAccountLockedTime: 20250101000000Z"]), FILE)[0]?.disabled).toBe(true);
    expect(parseDirectory(person("a", ["userAccountControl: 514"]), FILE)[0]?.disabled).toBe(true);
    expect(parseDirectory(person("a", ["userAccountControl: 66048"]), FILE)[0]?.disabled).toBe(false);
  });

  it("falls back to cn for the display name and to the dn for the organisation", () => {
    const [p] = parseDirectory(person("a"), FILE);
    expect(p).toMatchObject({ displayName: "Person a", ou: "fa-luebeck" });
  });

  it("skips AD computer accounts although they are of class user", () => {
    expect(parseDirectory(person("a", ["objectClass: computer"]), FILE)).toEqual([]);
  });

  it("undoes RFC 4514 escapes in the ou of a dn", () => {
    expect(ouFromDn("cn=x,ou=Steuer\\2C Recht,dc=example")).toBe("Steuer, Recht");
    expect(ouFromDn("cn=Weiß\\, Jürgen,OU=fa-kiel,DC=example")).toBe("fa-kiel");
    expect(ouFromDn("cn=x,dc=example")).toBeUndefined();
  });
});

describe("parseDirectory rejects", () => {
  it("a person without entryUUID or objectGUID", () => {
    const [err] = errorsOf(() => parseDirectory(person("a", [], ["entryUUID"]), FILE));
    expect(err?.message).toMatch(/^inventory\/staging\/directory\.ldif: line 1: .*missing immutable id \(entryUUID or objectGUID\)/);
  });

  it("a malformed mail address, naming the line of the value", () => {
    const [err] = errorsOf(() => parseDirectory(person("a", ["mailAlternateAddress: not-an-address"]), FILE));
    expect(err?.message).toContain(`${FILE}: line 7: mailAlternateAddress:`);
    expect(err?.problem).toContain('"not-an-address" is not an e-mail address');
  });

  it("a second value of a single-valued attribute", () => {
    const [err] = errorsOf(() => parseDirectory(person("a", ["uid: other"]), FILE));
    expect(err?.message).toContain(`${FILE}: line 7: "uid" is single-valued`);
  });

  it("an entryUUID that is not a UUID", () => {
    const text = person("a").replace(/entryUUID: .*/, "entryUUID: 1234");
    expect(errorsOf(() => parseDirectory(text, FILE))[0]?.message).toContain(`line 4: entryUUID "1234" is not a UUID`);
  });

  it("an objectGUID that is not 16 bytes", () => {
    const [err] = errorsOf(() => parseDirectory(person("a", ["objectGUID:: AAEC"], ["entryUUID"]), FILE));
    expect(err?.problem).toMatch(/objectGUID must be 16 bytes .*found 3 bytes/);
  });

  it("a person without uid", () => {
    const [err] = errorsOf(() => parseDirectory(person("a", [], ["uid:"]), FILE));
    expect(err?.message).toContain(`${FILE}: line 1: person "uid=a,ou=fa-luebeck,dc=example" has no uid`);
  });

  it("two people with the same immutable id, naming both lines", () => {
    const text = person("a") + "\n" + person("b").replace(/entryUUID: .*/, "entryUUID: 11111111-1111-4111-8111-111111111111");
    const [err] = errorsOf(() => parseDirectory(text, FILE));
    expect(err?.message).toContain(`${FILE}: line 8: duplicate immutable id 11111111-1111-4111-8111-111111111111: also used by the entry at line 1`);
  });

  it("several problems at once, reporting all of them", () => {
    const text = person("a", ["mail: second@fa-luebeck.example"]) + "\n" + person("b", [], ["entryUUID"]);
    const errors = errorsOf(() => parseDirectory(text, FILE));
    expect(errors.map((e) => e.where)).toEqual(["line 7", "line 9"]);
  });
});
