import { describe, expect, it } from "vitest";
import { analyzeRequestBytes, analyzerProto, analyzeStackRequestBytes } from "../../engine/analyzer-proto";
import { analyzeRequestView, analyzeStackRequestView } from "../../engine/analyzer-views";
import { AWKWARD, declared } from "./support/declared";

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
    options: [
      o.getProtect(),
      o.getIgnorechangesList(),
      o.getAliasesList(),
      o.getAdditionalsecretoutputsList(),
      o.getDeletebeforereplacedefined(),
      o.getDeletebeforereplace(),
      o.getParent(),
      t && [t.getCreate(), t.getUpdate(), t.getDelete()],
    ],
    provider: p && [p.getType(), p.getName(), p.getUrn(), p.getProperties().toJavaScript()],
    dependencies: m.getDependenciesList?.(),
    propertyDependencies: deps && [...deps.entries()].map(([k, v]: [string, any]) => [k, v.getUrnsList()]),
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

describe("requests handed to the SDK's handlers in process, against the same requests decoded from protobuf bytes", () => {
  const provider = declared(
    "default",
    { endpoint: "http://ox.example" },
    { urn: "urn:pulumi:s::p::pulumi:providers:ox::default", type: "pulumi:providers:ox" },
  );
  const user = declared(
    "oxuser-1",
    { ...AWKWARD, password: "not-a-secret-placeholder" },
    {
      secretInputPaths: [["password"]],
      secretOutputPaths: [["password"]],
      parent: "urn:pulumi:s::p::c::parent",
      options: {
        protect: true,
        retainOnDelete: false,
        ignoreChanges: ["x"],
        additionalSecretOutputs: ["password"],
        aliases: [],
        deleteBeforeReplace: true,
        provider: `${provider.urn}::default-id`,
        customTimeouts: { create: "5m", update: "1h30m", delete: "90s" },
      },
    },
  );
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

  it("a policy decodes another Struct object per call (the engine decodes each Struct once per request)", () => {
    const view = analyzeRequestView(user, byUrn);
    expect(view.getProperties()).toBe(view.getProperties());
  });
});
