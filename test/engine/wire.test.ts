import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../engine/types";
import { SECRET_SIG, SIG_KEY, unwrapProperties, withAdditionalSecrets, wrapProperties } from "../../engine/wire";

const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

describe("wire encoding of properties", () => {
  it("unwraps a nested secret and remembers its path", () => {
    const wire = { metadata: { name: "userdb" }, stringData: secret({ passwd: "fake-key" }), list: ["a", secret("b")] };
    expect(unwrapProperties(wire)).toEqual({
      plain: { metadata: { name: "userdb" }, stringData: { passwd: "fake-key" }, list: ["a", "b"] },
      secretPaths: [["stringData"], ["list", 1]],
    });
  });

  it("re-wraps secrets exactly where they were", () => {
    const wire = { a: secret({ b: [1, secret("x")] }), c: [secret(true)], d: UNKNOWN };
    const { plain, secretPaths } = unwrapProperties(wire);
    // A secret inside a secret is only recorded once: the outer one covers it.
    expect(wrapProperties(plain, secretPaths)).toEqual({ a: secret({ b: [1, "x"] }), c: [secret(true)], d: UNKNOWN });
  });

  it("never drops a secret on a round trip through plain values", () => {
    // Property names "__proto__" are left out: plain object assignment turns them into a prototype (no Pulumi property is named so).
    const json = fc
      .jsonValue()
      .filter((v) => typeof v === "object" && v !== null && !Array.isArray(v) && !JSON.stringify(v).includes('"__proto__"')) as fc.Arbitrary<
      Record<string, unknown>
    >;
    fc.assert(
      fc.property(
        json,
        fc.string({ minLength: 1 }).filter((k) => k !== "__proto__"),
        (obj, key) => {
          const wire = { ...obj, [key]: secret(obj) };
          const { plain, secretPaths } = unwrapProperties(wire);
          expect(secretPaths).toContainEqual([key]);
          expect(unwrapProperties(wrapProperties(plain, secretPaths))).toEqual({ plain, secretPaths });
        },
      ),
    );
  });

  it("turns resource references into the id (custom) or URN (component), as the engine does for analyzers", () => {
    const ref = (urn: string, id?: string) => ({ [SIG_KEY]: "5cf8f73096256a8f31e491e813e4eb8e", urn, ...(id !== undefined && { id }) });
    expect(unwrapProperties({ custom: ref("urn:a", "a-id"), component: ref("urn:b") }).plain).toEqual({ custom: "a-id", component: "urn:b" });
  });

  it("marks additionalSecretOutputs secret, which mocks do not do", () => {
    expect(withAdditionalSecrets([["data", "x"]], ["data", "absent"], { data: { x: 1 }, kind: "Secret" })).toEqual([["data"]]);
  });
});
