import { describe, expect, it } from "vitest";
import { markRequestProps } from "@oxmig/core/engine-hints";
import { at, isUnknown, rawProps, UNKNOWN, unknownPaths } from "../../../policies/support/unknowns";

// The SDK's own proxy and its typed wire sentinels (internal, so untyped): what rules read through.
const proxyModule = require("@pulumi/policy/proxy") as Record<string, unknown> & { unknownCheckingProxy: <T>(props: T) => T };
const { unknownCheckingProxy } = proxyModule;
const SENTINELS = Object.entries(proxyModule).filter(([name, value]) => /^unknown\w+Value$/.test(name) && typeof value === "string") as [string, string][];

describe("unknowns", () => {
  it("the SDK still knows the seven typed sentinels this suite reads through its proxy", () => {
    const names = ["Archive", "Array", "Asset", "Boolean", "Number", "Object", "String"].map((t) => `unknown${t}Value`);
    expect(SENTINELS.map(([name]) => name).sort()).toEqual(names);
  });
  it.each(SENTINELS)("an %s read through the SDK's proxy passes for a real value", (_name, sentinel) => {
    const copy = rawProps(unknownCheckingProxy({ field: sentinel, nested: { list: ["known", sentinel] } }));
    expect(copy).toEqual({ field: UNKNOWN, nested: { list: ["known", UNKNOWN] } });
    expect(unknownPaths(copy)).toEqual(["field", "nested.list[1]"]);
  });
  it("the marker differs from @pulumi/pulumi's public unknown value", () => {
    expect(UNKNOWN).toBe((require("@pulumi/pulumi") as typeof import("@pulumi/pulumi")).runtime.unknownValue);
  });
  it("a known value taken for an unknown one", () => {
    expect(isUnknown(UNKNOWN)).toBe(true);
    expect(isUnknown("maria.mueller@fa-luebeck.example")).toBe(false);
    expect(isUnknown("")).toBe(false);
    expect(isUnknown(42)).toBe(false);
    expect(isUnknown(undefined)).toBe(false);
  });
  it("a read that throws for any reason passes for a known value (rules must fail closed)", () => {
    const bag = Object.defineProperty({ known: "x" }, "broken", {
      enumerable: true,
      get: () => {
        throw new Error("not readable");
      },
    });
    expect(rawProps(bag)).toEqual({ known: "x", broken: UNKNOWN });
  });
  it("the copy is the SDK's proxy itself (reading an unknown from it would throw)", () => {
    const proxied = unknownCheckingProxy({ a: { b: [1, { c: "d" }] }, n: null });
    const copy = rawProps(proxied);
    expect(copy).toEqual({ a: { b: [1, { c: "d" }] }, n: null });
    expect(Array.isArray(at(copy, "a", "b"))).toBe(true);
    expect(copy).not.toBe(proxied);
  });
  it("props the engine decoded once per request are copied for every policy instead of read from the engine's plain data", () => {
    const decoded = { name: "mmueller", aliases: ["m@x.example", proxyModule.unknownNumberValue] };
    const plain = { name: "mmueller", aliases: ["m@x.example", UNKNOWN] };
    markRequestProps(decoded, plain);
    expect(rawProps(unknownCheckingProxy(decoded))).toBe(plain);
    expect(rawProps(unknownCheckingProxy(decoded))).toBe(plain);
    const cli = { name: "jschmidt" };
    expect(rawProps(unknownCheckingProxy(cli))).not.toBe(rawProps(unknownCheckingProxy(cli)));
    expect(rawProps(unknownCheckingProxy(cli))).toEqual(cli);
  });
  it("unknown paths lose their array index or nesting", () => {
    const props = { userAttributes: { "oxmig/owner-id": UNKNOWN, kind: "personal" }, aliases: ["a@x.example", UNKNOWN], n: 3, nothing: null };
    expect(unknownPaths(props)).toEqual(["userAttributes.oxmig/owner-id", "aliases[1]"]);
    expect(unknownPaths(props, "props")).toEqual(["props.userAttributes.oxmig/owner-id", "props.aliases[1]"]);
  });
  it("an unknown value itself is reported without a path", () => {
    expect(unknownPaths(UNKNOWN)).toEqual(["(value)"]);
    expect(unknownPaths(UNKNOWN, "keepers")).toEqual(["keepers"]);
    expect(unknownPaths("known")).toEqual([]);
    expect(unknownPaths(undefined)).toEqual([]);
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
