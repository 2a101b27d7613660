import { describe, expect, it } from "vitest";
import { at, isUnknown, rawProps, unknownPaths } from "../../../policies/support/unknowns";
import { UNKNOWN_STRING } from "../helpers";

const SENTINELS = [
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
];

describe("unknowns", () => {
  it.each(SENTINELS)("an unknown sentinel %s passes for a real value", (sentinel) => {
    expect(isUnknown(sentinel)).toBe(true);
    expect(unknownPaths({ field: sentinel })).toEqual(["field"]);
  });
  it("a known value taken for an unknown one", () => {
    expect(isUnknown("maria.mueller@fa-luebeck.example")).toBe(false);
    expect(isUnknown("")).toBe(false);
    expect(isUnknown(42)).toBe(false);
    expect(isUnknown(undefined)).toBe(false);
  });
  it("unknown paths lose their array index or nesting", () => {
    const props = { userAttributes: { "oxmig/owner-id": UNKNOWN_STRING, kind: "personal" }, aliases: ["a@x.example", UNKNOWN_STRING], n: 3, nothing: null };
    expect(unknownPaths(props)).toEqual(["userAttributes.oxmig/owner-id", "aliases[1]"]);
    expect(unknownPaths(props, "props")).toEqual(["props.userAttributes.oxmig/owner-id", "props.aliases[1]"]);
  });
  it("an unknown value itself is reported without a path", () => {
    expect(unknownPaths(UNKNOWN_STRING)).toEqual(["(value)"]);
    expect(unknownPaths(UNKNOWN_STRING, "keepers")).toEqual(["keepers"]);
    expect(unknownPaths("known")).toEqual([]);
    expect(unknownPaths(undefined)).toEqual([]);
  });
  it("the proxy's target is not unwrapped", () => {
    const target = { name: "mmueller" };
    expect(rawProps({ __getSpecialProxyTarget: target })).toBe(target);
    const plain = { name: "jschmidt" };
    expect(rawProps(plain)).toBe(plain);
    const odd = { __getSpecialProxyTarget: "not an object" };
    expect(rawProps(odd)).toBe(odd);
    expect(rawProps({ __getSpecialProxyTarget: null, x: 1 })).toEqual({ __getSpecialProxyTarget: null, x: 1 });
  });
  it("a non-object property bag is not treated as empty", () => {
    expect(rawProps(null)).toEqual({});
    expect(rawProps(undefined)).toEqual({});
    expect(rawProps("props")).toEqual({});
  });
  it("a nested read walks past a missing or scalar level", () => {
    const bag = { metadata: { labels: { wave: "w01" } }, name: "x", empty: null };
    expect(at(bag, "metadata", "labels", "wave")).toBe("w01");
    expect(at(bag)).toBe(bag);
    expect(at(bag, "metadata", "missing", "wave")).toBeUndefined();
    expect(at(bag, "name", "length")).toBeUndefined();
    expect(at(bag, "empty", "x")).toBeUndefined();
    expect(at(null, "x")).toBeUndefined();
  });
});
