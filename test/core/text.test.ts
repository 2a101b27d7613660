// Strict UTF-8 and the characters no name may hold (core/text.ts), and where the directory parser
// applies them beyond plain attribute values: base64 values and the ou= of a dn.
import { describe, expect, it } from "vitest";
import { parseDirectory } from "@oxmig/core/directory";
import { decodeUtf8, firstNonUtf8Line, forbiddenCharacterProblem } from "@oxmig/core/text";
import { errorsOf } from "../support/input-errors";

describe("forbiddenCharacterProblem", () => {
  it.each([
    ["Maria M\u00fcller"],
    ["J\u00fcrgen Wei\u00df"],
    ["\u00c9lodie d'Artagnan-L\u00f3pez"],
    ["\u5f20\u4f1f"],
    ["\u{1F600} smiley"],
    ["non\u00a0breaking space"],
  ])("accepts %j", (name) => {
    expect(forbiddenCharacterProblem(name)).toBeUndefined();
  });

  it.each([
    ["a\u0000b", "the control character U+0000 (NUL) at character 2"],
    ["a\tb", "the control character U+0009 (tab) at character 2"],
    ["a\nb", "the control character U+000A (line feed) at character 2"],
    ["a\rb", "the control character U+000D (carriage return) at character 2"],
    ["\u001b[31mred", "the control character U+001B (escape) at character 1"],
    ["del\u007f", "the control character U+007F (DEL) at character 4"],
    ["c1\u0085", "the control character U+0085 (next line) at character 3"],
    ["c1\u009f", "the control character U+009F at character 3"],
    ["\u{1F600}\u2028", "the line separator U+2028 at character 2"],
    ["p\u2029", "the paragraph separator U+2029 at character 2"],
    ["lone\ud800", "the lone surrogate U+D800 at character 5"],
    ["x\uffff", "the non-character U+FFFF at character 2"],
  ])("refuses %j", (name, problem) => {
    expect(forbiddenCharacterProblem(name)).toBe(`contains ${problem}`);
  });
});

describe("decodeUtf8", () => {
  it("decodes UTF-8 and drops a BOM unless asked to keep it", () => {
    const bytes = Buffer.from("\ufeffJ\u00fcrgen\n");
    expect(decodeUtf8(bytes, "f")).toBe("J\u00fcrgen\n");
    expect(decodeUtf8(bytes, "f", { keepBom: true })).toBe("\ufeffJ\u00fcrgen\n");
  });

  it("names the line of the first byte that is not UTF-8 (a lone byte, a cut sequence, an overlong form)", () => {
    for (const bad of [[0xfc], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]) {
      const bytes = Buffer.concat([Buffer.from("one\ntwo\r\nthree "), Buffer.from(bad), Buffer.from("\nfour")]);
      expect(firstNonUtf8Line(bytes)).toBe(3);
      expect(() => decodeUtf8(bytes, "plan.yaml", { hint: "save it as UTF-8" })).toThrow("plan.yaml: line 3: the file is not valid UTF-8; save it as UTF-8");
    }
    expect(firstNonUtf8Line(Buffer.from("all\nfine\n"))).toBeUndefined();
  });
});

describe("parseDirectory: names from the dn", () => {
  const entry = (dn: string) => `dn: ${dn}\nobjectClass: inetOrgPerson\nuid: a\nentryUUID: 11111111-1111-4111-8111-111111111111\ncn: A\n`;

  it("refuses a control character written as a hex escape in the ou= of the dn", () => {
    expect(errorsOf(() => parseDirectory(entry("uid=a,ou=fa\\07luebeck,dc=example"), "d.ldif")).map((e) => e.message)).toEqual([
      "d.ldif: line 1: the ou= of the dn contains the control character U+0007 at character 3",
    ]);
  });

  it("refuses hex escapes in the ou= of the dn that are not UTF-8", () => {
    expect(errorsOf(() => parseDirectory(entry("uid=a,ou=L\\FCbeck,dc=example"), "d.ldif")).map((e) => e.message)).toEqual([
      "d.ldif: line 1: the ou= of the dn has hex escapes that are not UTF-8",
    ]);
  });

  it("still decodes UTF-8 hex escapes", () => {
    expect(parseDirectory(entry("uid=a,ou=L\\C3\\BCbeck,dc=example"), "d.ldif")[0]!.ou).toBe("L\u00fcbeck");
  });

  it("refuses a base64 dn that is not UTF-8", () => {
    const dn = Buffer.from([0x75, 0x69, 0x64, 0x3d, 0xfc]).toString("base64");
    expect(errorsOf(() => parseDirectory(`dn:: ${dn}\nobjectClass: inetOrgPerson\n`, "d.ldif")).map((e) => e.message)).toEqual([
      'd.ldif: line 1: "dn::" value is not valid UTF-8 text',
    ]);
  });
});
