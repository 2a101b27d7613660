import { describe, expect, it } from "vitest";
import { toAddress } from "@oxmig/core/address";
import type { Person, SourceMailbox } from "@oxmig/core/model";
import type { PolicyContext } from "../../../policies/config";
import { matchSource } from "../../../policies/support/source-match";

const AD = "a0000000-0000-4000-8000-0000000000ad";
const OTHER_AD = "a0000000-0000-4000-8000-0000000000ff";

const person = (uid: string, fields: Partial<Person> = {}): Person => ({
  dn: `uid=${uid},ou=luebeck`,
  immutableId: `id-${uid}`,
  idSource: "entryUUID",
  uid,
  displayName: uid,
  mail: toAddress(`${uid}@fa-luebeck.example`),
  aliases: [],
  ou: "luebeck",
  disabled: false,
  line: 4,
  ...fields,
});
const source = (upn: string, primary: string, ownerGuid: string): SourceMailbox => ({
  line: 7,
  displayName: "x",
  alias: "x",
  samAccountName: "x",
  userPrincipalName: upn,
  primarySmtp: toAddress(primary),
  addresses: [toAddress(primary)],
  exchangeGuid: "e-1",
  type: "UserMailbox",
  ownerGuid,
});
const contextWith = (...adPeople: Person[]): PolicyContext =>
  ({
    directory: { file: "directory.ldif", byObjectGuid: new Map(adPeople.map((p) => [p.objectGuid!, p])) },
    exchange: { file: "exchange.csv" },
  }) as unknown as PolicyContext;

const SRC = "source Exchange mailbox mmueller@fa-luebeck.example (ExchangeGuid e-1, exchange.csv line 7)";
const MARIA = "directory uid mmueller (id id-mmueller, ou luebeck, directory.ldif line 4)";

describe("matchSource", () => {
  it("an AD owner tied to its own source is not strong", () => {
    const owner = person("mmueller", { objectGuid: AD });
    expect(matchSource(contextWith(owner), owner, source("other@corp.example", "x@y.example", AD))).toEqual({ strength: "strong" });
  });
  it("an AD owner given a source of an account outside the directory", () => {
    const owner = person("mmueller", { objectGuid: AD });
    expect(matchSource(contextWith(owner), owner, source("mmueller@corp.example", "mmueller@fa-luebeck.example", OTHER_AD))).toEqual({
      strength: "none",
      problem: `${SRC} belongs to AD account ${OTHER_AD} (not in the directory), but the owner is ${MARIA} with objectGUID ${AD}`,
    });
  });
  it("an AD owner given another AD person's source", () => {
    const owner = person("mmueller", { objectGuid: AD });
    const other = person("jschmidt", { objectGuid: OTHER_AD, line: 9 });
    expect(matchSource(contextWith(owner, other), owner, source("mmueller@corp.example", "mmueller@fa-luebeck.example", OTHER_AD))).toEqual({
      strength: "none",
      problem: `${SRC} belongs to AD account ${OTHER_AD} = directory uid jschmidt (id id-jschmidt, ou luebeck, directory.ldif line 9), but the owner is ${MARIA} with objectGUID ${AD}`,
    });
  });
  it("an owner without objectGUID given an AD person's source even though address and UPN match", () => {
    const owner = person("mmueller");
    const other = person("jschmidt", { objectGuid: OTHER_AD, line: 9 });
    expect(matchSource(contextWith(other), owner, source("mmueller@corp.example", "mmueller@fa-luebeck.example", OTHER_AD))).toEqual({
      strength: "none",
      problem: `${SRC} belongs to AD account ${OTHER_AD} = directory uid jschmidt (id id-jschmidt, ou luebeck, directory.ldif line 9), not the owner ${MARIA}`,
    });
  });
  it("a weak match not reported as weak, or without its evidence", () => {
    const owner = person("mmueller");
    expect(matchSource(contextWith(), owner, source("MMueller@corp.example", "MMueller@FA-Luebeck.example", OTHER_AD))).toEqual({
      strength: "weak",
      evidence: `matched by address MMueller@FA-Luebeck.example and UPN MMueller@corp.example only (the directory carries no objectGUID for ${MARIA})`,
    });
    expect(matchSource(contextWith(), owner, source("mmueller", "mmueller@fa-luebeck.example", OTHER_AD)).strength).toBe("weak");
  });
  it("an owner without objectGUID whose index entry maps back to the owner itself", () => {
    const owner = person("mmueller");
    const ctx = { ...contextWith(), directory: { file: "directory.ldif", byObjectGuid: new Map([[AD, owner]]) } } as unknown as PolicyContext;
    expect(matchSource(ctx, owner, source("mmueller@corp.example", "mmueller@fa-luebeck.example", AD)).strength).toBe("weak");
  });
  it("a source tied by address alone, or by UPN alone", () => {
    const owner = person("mmueller");
    const wrongUpn = source("m.mueller@corp.example", "mmueller@fa-luebeck.example", OTHER_AD);
    expect(matchSource(contextWith(), owner, wrongUpn)).toEqual({
      strength: "none",
      problem: `${SRC} cannot be tied to the owner ${MARIA}: UPN m.mueller@corp.example does not name uid mmueller`,
    });
    const wrongMail = source("mmueller@corp.example", "maria@fa-luebeck.example", OTHER_AD);
    expect(matchSource(contextWith(), owner, wrongMail)).toMatchObject({
      strength: "none",
      problem: expect.stringMatching(
        /cannot be tied to the owner .*: PrimarySmtpAddress maria@fa-luebeck\.example is not the owner's mail mmueller@fa-luebeck\.example$/,
      ),
    });
    const both = source("mmueller.x@corp.example", "maria@fa-luebeck.example", OTHER_AD);
    expect(matchSource(contextWith(), owner, both)).toMatchObject({
      problem: expect.stringMatching(
        /: PrimarySmtpAddress maria@fa-luebeck\.example is not the owner's mail mmueller@fa-luebeck\.example; UPN mmueller\.x@corp\.example does not name uid mmueller$/,
      ),
    });
  });
  it("an owner without a mail address matched by UPN alone", () => {
    const owner = person("mmueller", { mail: undefined });
    expect(matchSource(contextWith(), owner, source("mmueller@corp.example", "mmueller@fa-luebeck.example", OTHER_AD))).toMatchObject({
      strength: "none",
      problem: expect.stringMatching(/: PrimarySmtpAddress mmueller@fa-luebeck\.example is not the owner's mail \(none\)$/),
    });
  });
});
