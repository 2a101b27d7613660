import { describe, expect, it } from "vitest";
import { addressProblem, domainOf, normaliseAddress, sameAddress, toAddress } from "@oxmig/core/address";

describe("address comparison form", () => {
  it("treats NFC and NFD spellings of an umlaut as the same address", () => {
    const composed = toAddress("m\u00fcller@fa-luebeck.example");
    const decomposed = toAddress("mu\u0308ller@fa-luebeck.example");
    expect(composed.display).not.toBe(decomposed.display);
    expect(sameAddress(composed, decomposed)).toBe(true);
  });

  it("ignores case in local part and domain", () => {
    expect(sameAddress(toAddress("Maria.Mueller@FA-Luebeck.Example"), toAddress("maria.mueller@fa-luebeck.example"))).toBe(true);
  });

  it("keeps different local parts apart", () => {
    expect(sameAddress(toAddress("m.mueller@x.example"), toAddress("mmueller@x.example"))).toBe(false);
  });

  it("writes an IDN domain in punycode", () => {
    expect(normaliseAddress("info@m\u00fcller.example")).toBe("info@xn--mller-kva.example");
    expect(sameAddress(toAddress("info@M\u00dcLLER.example"), toAddress("info@xn--mller-kva.example"))).toBe(true);
    expect(domainOf(toAddress("info@m\u00fcller.example"))).toBe("xn--mller-kva.example");
  });

  it("keeps the address as written for display", () => {
    expect(toAddress("Jana.Schmidt@FA-Luebeck.example").display).toBe("Jana.Schmidt@FA-Luebeck.example");
  });
});

describe("malformed addresses", () => {
  const bad: [string, RegExp][] = [
    ["", /empty/],
    [" a@x.example", /surrounding whitespace/],
    ["a.x.example", /not an e-mail address/],
    ["@x.example", /not an e-mail address/],
    ["a@", /not an e-mail address/],
    ["a b@x.example", /invalid local part/],
    ["a..b@x.example", /invalid local part/],
    [".a@x.example", /invalid local part/],
    ["a@localhost", /invalid domain/],
  ];
  for (const [raw, problem] of bad) {
    it(`rejects ${JSON.stringify(raw)}`, () => {
      expect(addressProblem(raw)).toMatch(problem);
      expect(() => toAddress(raw)).toThrow(problem);
    });
  }

  it("accepts umlauts in the local part and plus addressing", () => {
    expect(addressProblem("j\u00fcrgen.wei\u00df+steuer@fa-kiel.example")).toBeUndefined();
  });
});
