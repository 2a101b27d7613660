import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { analyzeRequest, analyzeRequestBytes, analyzeRequestView, analyzerProto, analyzeStackRequest, analyzeStackRequestBytes, analyzeStackRequestView } from "../../gate/analyzer-proto";
import { BinaryWriter, writeStructFields } from "../../gate/struct-bytes";
import type { DeclaredResource } from "../../gate/types";

const structProto = createRequire(require.resolve("@pulumi/pulumi"))("google-protobuf/google/protobuf/struct_pb");

function declared(name: string, inputs: Record<string, unknown>, extra: Partial<DeclaredResource> = {}): DeclaredResource {
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

const AWKWARD = {
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

function struct(bytes: Uint8Array): unknown {
  return structProto.Struct.deserializeBinary(bytes).toJavaScript();
}

describe("protobuf bytes written straight from JSON", () => {
  it("a Struct differs from Struct.fromJavaScript's bytes (key order, empty strings, false, null, nesting)", () => {
    const w = new BinaryWriter();
    writeStructFields(AWKWARD, w);
    expect(Buffer.from(w.getResultBuffer()).toString("hex")).toBe(Buffer.from(structProto.Struct.fromJavaScript(AWKWARD).serializeBinary()).toString("hex"));
  });

  it("an Analyze request decodes differently from the message-object request (properties, secrets, options)", () => {
    const r = declared("oxuser-1", { ...AWKWARD, password: "not-a-secret-placeholder" }, { secretInputPaths: [["password"]] });
    const byUrn = new Map([[r.urn, r]]);
    const mine = analyzerProto.AnalyzeRequest.deserializeBinary(analyzeRequestBytes(r, byUrn));
    const theirs = analyzerProto.AnalyzeRequest.deserializeBinary(analyzeRequest(r, byUrn).serializeBinary());
    expect(mine.toObject()).toEqual(theirs.toObject());
    expect(struct(mine.getProperties().serializeBinary())).toEqual(theirs.getProperties().toJavaScript());
  });

  it("an AnalyzeStack request loses or reorders resources, outputs or dependencies", () => {
    const rs = [declared("a", AWKWARD), declared("b", { only: "one" }, { parent: "urn:pulumi:s::p::c::parent" }), declared("c", {})];
    const mine = analyzerProto.AnalyzeStackRequest.deserializeBinary(analyzeStackRequestBytes(rs));
    const theirs = analyzerProto.AnalyzeStackRequest.deserializeBinary(analyzeStackRequest(rs).serializeBinary());
    expect(mine.getResourcesList().map((x: { getName(): string }) => x.getName())).toEqual(["a", "b", "c"]);
    expect(mine.toObject()).toEqual(theirs.toObject());
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- protobuf messages are untyped */
/** Everything the policy SDK's handlers read from a request resource (server.js getters). */
function asSdkReadsIt(m: any): unknown {
  const o = m.getOptions();
  const t = o.getCustomtimeouts();
  const p = m.getProvider();
  const deps = m.getPropertydependenciesMap?.();
  return {
    type: m.getType(),
    name: m.getName(),
    urn: m.getUrn(),
    parent: m.getParent?.(),
    properties: m.getProperties().toJavaScript(),
    options: [o.getProtect(), o.getIgnorechangesList(), o.getAliasesList(), o.getAdditionalsecretoutputsList(), o.getDeletebeforereplacedefined(), o.getDeletebeforereplace(), o.getParent(), t && [t.getCreate(), t.getUpdate(), t.getDelete()]],
    provider: p && [p.getType(), p.getName(), p.getUrn(), p.getProperties().toJavaScript()],
    dependencies: m.getDependenciesList?.(),
    propertyDependencies: deps && [...deps.entries()].map(([k, v]: [string, any]) => [k, v.getUrnsList()]),
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

describe("requests handed to the SDK's handlers in process", () => {
  const provider = declared("default", { endpoint: "http://ox.example" }, { urn: "urn:pulumi:s::p::pulumi:providers:ox::default", type: "pulumi:providers:ox" });
  const user = declared("oxuser-1", { ...AWKWARD, password: "not-a-secret-placeholder" }, {
    secretInputPaths: [["password"]],
    secretOutputPaths: [["password"]],
    parent: "urn:pulumi:s::p::c::parent",
    options: { protect: true, retainOnDelete: false, ignoreChanges: ["x"], additionalSecretOutputs: ["password"], aliases: [], deleteBeforeReplace: true, provider: `${provider.urn}::default-id`, customTimeouts: { create: "5m", update: "1h30m", delete: "90s" } },
  });
  const rs = [provider, user, declared("c", {})];
  const byUrn = new Map(rs.map((r) => [r.urn, r]));

  it("an Analyze request reads differently from the same request decoded from its bytes", () => {
    for (const r of rs) {
      const decoded = analyzerProto.AnalyzeRequest.deserializeBinary(analyzeRequestBytes(r, byUrn));
      expect(asSdkReadsIt(analyzeRequestView(r, byUrn)), r.name).toEqual(asSdkReadsIt(decoded));
    }
    const read = asSdkReadsIt(analyzeRequestView(user, byUrn)) as { properties: Record<string, unknown>; provider?: unknown[] };
    expect(read.properties.password).not.toBe("not-a-secret-placeholder");
    expect(read.provider?.[0]).toBe("pulumi:providers:ox");
  });

  it("an AnalyzeStack request reads differently from the same request decoded from its bytes", () => {
    const view = analyzeStackRequestView(rs).getResourcesList();
    const decoded = analyzerProto.AnalyzeStackRequest.deserializeBinary(analyzeStackRequestBytes(rs)).getResourcesList();
    expect(view.map(asSdkReadsIt)).toEqual(decoded.map(asSdkReadsIt));
  });

  it("a policy decodes another Struct object per call (decode-once keys on the Struct within a request)", () => {
    const view = analyzeRequestView(user, byUrn);
    expect(view.getProperties()).toBe(view.getProperties());
  });
});
