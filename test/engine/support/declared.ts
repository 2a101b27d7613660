// Declared resources as the program child hands them to the analyzer code, for request tests.
import type { DeclaredResource } from "../../../engine/types";

export function declared(name: string, inputs: Record<string, unknown>, extra: Partial<DeclaredResource> = {}): DeclaredResource {
  return {
    urn: `urn:pulumi:s::p::ox:index:User::${name}`,
    type: "ox:index:User",
    name,
    custom: true,
    inputs,
    secretInputPaths: [],
    outputs: { ...inputs, id: `${name}-id` },
    secretOutputPaths: [],
    options: { protect: true, ignoreChanges: ["x"], additionalSecretOutputs: [], aliases: [] },
    dependencies: ["urn:pulumi:s::p::random:index/randomPassword:RandomPassword::key-1"],
    propertyDependencies: { keyRef: ["urn:pulumi:s::p::random:index/randomPassword:RandomPassword::key-1"] },
    ...extra,
  } as DeclaredResource;
}

export const AWKWARD = {
  zeta: "last key written first by insertion",
  alpha: "",
  count: 0,
  ratio: -1.5,
  on: false,
  nothing: null,
  nested: { b: [1, "two", true, null, { deep: ["x"] }], a: {} },
  empty: [],
  umlaut: "Jürgen Müßig ✓",
  // Long strings take the native-encoding path; the same one twice hits its cache.
  provider: `exports.handler = ${"ö".repeat(200)} ✓ 😀`,
  again: [`exports.handler = ${"ö".repeat(200)} ✓ 😀`, "x".repeat(128)],
};
