import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatLdif, parseLdif, type LdifEntry } from "@oxmig/core/ldif";
import { inputErrorOf } from "../support/input-errors";

const FIXTURE = join(__dirname, "../fixtures/inputs/good/directory.ldif");
const fixtureText = readFileSync(FIXTURE, "utf8");
const AD_GUID_BYTES = [0xe0, 0x04, 0x25, 0x3f, 0x89, 0x4f, 0xd3, 0x11, 0x9a, 0x0c, 0x03, 0x05, 0xe8, 0x2c, 0x33, 0x01];

function texts(entry: LdifEntry | undefined, name: string): string[] {
  return (entry?.attributes.get(name) ?? []).map((v) => v.text);
}

describe("parseLdif on the fixture", () => {
  const entries = parseLdif(fixtureText, "directory.ldif");
  const maria = entries.find((e) => e.dn.startsWith("uid=mmueller"));
  const juergen = entries.find((e) => texts(e, "uid")[0] === "jweiss");

  it("reads every record with the line of its dn, skipping comments (folded ones too)", () => {
    expect(entries.map((e) => e.line)).toEqual([6, 10, 15, 33, 41, 53]);
    expect(entries.flatMap((e) => [...e.attributes.keys()]).some((k) => k.startsWith("#") || k === "and")).toBe(false);
  });

  it("joins folded lines and decodes base64 umlauts and ß", () => {
    expect(texts(maria, "displayname")).toEqual(["Maria Müller"]);
    expect(texts(maria, "description")).toEqual(["Referat Steuerfahndung und Bußgeldsachen, Außenstelle Lübeck-Travemünde"]);
    expect(texts(maria, "mailalternateaddress")).toEqual(["m.mueller@fa-luebeck.example", "maria.mueller@steuer.example"]);
  });

  it("lower-cases attribute names and drops options such as ;lang-de", () => {
    expect(texts(juergen, "cn")).toEqual(["Jürgen Weiß"]);
    expect(texts(maria, "objectclass")).toEqual(["top", "inetOrgPerson"]);
  });

  it("keeps objectGUID as the raw bytes instead of decoding them as UTF-8", () => {
    const guid = juergen?.attributes.get("objectguid")?.[0];
    expect(guid?.bytes && [...guid.bytes]).toEqual(AD_GUID_BYTES);
    expect(guid?.line).toBe(47);
  });

  it("reads a raw UTF-8 dn as written", () => {
    expect(juergen?.dn).toBe("CN=Weiß\\, Jürgen,OU=fa-kiel,DC=corp,DC=example");
  });

  it("gives the same result for CRLF line endings and a UTF-8 BOM", () => {
    const crlf = parseLdif("\uFEFF" + fixtureText.replace(/\n/g, "\r\n"), "directory.ldif");
    expect(crlf).toEqual(entries);
  });
});

describe("parseLdif folding and records", () => {
  it("rejoins a raw value folded inside a UTF-8 multibyte sequence", () => {
    const bytes = Buffer.concat([Buffer.from("dn: uid=a\ncn: J"), Buffer.from([0xc3]), Buffer.from("\n "), Buffer.from([0xbc]), Buffer.from("rgen\n")]);
    expect(texts(parseLdif(bytes, "f.ldif")[0], "cn")).toEqual(["Jürgen"]);
  });

  it("rejoins a base64 value folded between the encoded bytes of ü", () => {
    const text = "dn: uid=a\nsn:: TcO\n 8bGxlcg==\n";
    expect(texts(parseLdif(text, "f.ldif")[0], "sn")).toEqual(["Müller"]);
  });

  it("removes exactly one space of a continuation line", () => {
    const text = "dn: uid=a\ndescription: two\n  spaces\n";
    expect(texts(parseLdif(text, "f.ldif")[0], "description")).toEqual(["two spaces"]);
  });

  it("accepts version: 1 directly followed by the first record", () => {
    const entries = parseLdif("version: 1\ndn: uid=a\nuid: a\n", "f.ldif");
    expect(entries).toHaveLength(1);
    expect(entries[0]?.line).toBe(2);
  });

  it("reads dn:: base64 and an empty value", () => {
    const [entry] = parseLdif("dn:: dWlkPWrDvHJnZW4=\ndescription:\n", "f.ldif");
    expect(entry?.dn).toBe("uid=jürgen");
    expect(texts(entry, "description")).toEqual([""]);
  });
});

describe("parseLdif rejects", () => {
  const cases: [string, string, number, RegExp][] = [
    ["a line without a colon", "dn: uid=a\nuid a\n", 2, /no colon/],
    ["a continuation line before any attribute", "dn: uid=a\n\n continued\n", 3, /continuation line/],
    ["a record without dn", "dn: uid=a\n\nuid: b\n", 3, /record without dn/],
    ["invalid base64", "dn: uid=a\ncn:: not*base64\n", 2, /not valid base64/],
    ["a changetype record", "dn: uid=a\nchangetype: modify\n", 2, /change record/],
    ["a URL value", "dn: uid=a\njpegPhoto:< file:///tmp/x.jpg\n", 2, /URL values are not supported/],
    ["an unsupported version", "version: 2\n\ndn: uid=a\n", 1, /unsupported LDIF version "2"/],
    ["two dn lines in one record", "dn: uid=a\ndn: uid=b\n", 2, /second dn/],
    ["an invalid attribute name", "dn: uid=a\n_bad: x\n", 2, /invalid attribute name "_bad"/],
  ];
  for (const [what, text, line, problem] of cases) {
    it(`${what}, naming file and line`, () => {
      const err = inputErrorOf(() => parseLdif(text, "inventory/x/directory.ldif"));
      expect(err.message).toContain(`inventory/x/directory.ldif: line ${line}: `);
      expect(err.problem).toMatch(problem);
    });
  }

  it("a raw value that is not UTF-8, telling to base64-encode it", () => {
    const bytes = Buffer.concat([Buffer.from("dn: uid=a\ncn: M"), Buffer.from([0xfc]), Buffer.from("ller\n")]);
    const err = inputErrorOf(() => parseLdif(bytes, "d.ldif"));
    expect(err.message).toMatch(/^d\.ldif: line 2: "cn" value is not valid UTF-8.*cn::/);
  });
});

describe("formatLdif", () => {
  it("base64-encodes unsafe values and folds long lines at 76 characters", () => {
    const text = formatLdif([
      {
        dn: "uid=a",
        attributes: [
          ["cn", "Jürgen"],
          ["description", "x".repeat(100)],
          ["sn", " lead"],
        ],
      },
    ]);
    expect(text).toContain("cn:: SsO8cmdlbg==\n");
    expect(text).toContain("sn:: IGxlYWQ=\n");
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(76);
    expect(text).toMatch(/^description: x{63}\n x{37}$/m);
  });

  it("round-trips arbitrary unicode and binary values through parseLdif", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/).filter((n) => !["dn", "changetype", "control"].includes(n));
    const value = fc.oneof(fc.string({ unit: "binary", maxLength: 120 }), fc.uint8Array({ maxLength: 60 }));
    const record = fc.record({ dn: fc.string({ unit: "binary", maxLength: 90 }), attributes: fc.array(fc.tuple(name, value), { maxLength: 6 }) });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 5 }), (records) => {
        const parsed = parseLdif(formatLdif(records), "roundtrip.ldif");
        expect(parsed.map((e) => e.dn)).toEqual(records.map((r) => r.dn));
        records.forEach((record, i) => {
          const written = new Map<string, (string | Uint8Array)[]>();
          for (const [n, v] of record.attributes) written.set(n, [...(written.get(n) ?? []), v]);
          const read = parsed[i]!.attributes;
          expect([...read.keys()].sort()).toEqual([...written.keys()].sort());
          for (const [n, values] of written) {
            const asRead = read.get(n)!.map((v, k) => (typeof values[k] === "string" ? v.text : [...(v.bytes ?? [])]));
            expect(asRead).toEqual(values.map((v) => (typeof v === "string" ? v : [...v])));
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});
