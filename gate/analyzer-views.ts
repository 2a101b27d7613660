// Analyze / AnalyzeStack requests for the policy SDK's handlers called in process: plain objects that
// answer exactly the getters the SDK's server reads, with the values a decoded protobuf message gives
// (test/gate/analyzer-views.test.ts compares them getter by getter). Building and decoding real
// messages, Structs above all, cost more than the rules they feed (bench/gate.ts). Lists are handed
// out as they are, like a message's own repeated fields: the SDK only reads them, once per policy.
import { seconds } from "./analyzer-proto";
import type { DeclaredResource } from "./types";
import { wrapProperties } from "./wire";

/** What `getProperties()` answers: a Struct's `toJavaScript()`, computed once per request. */
interface StructLike {
  toJavaScript(): Record<string, unknown>;
}

function lazyStruct(properties: () => Record<string, unknown>): () => StructLike {
  let struct: StructLike | undefined;
  return () => (struct ??= { toJavaScript: properties });
}

const NO_TIMEOUTS = undefined;

function optionsView(r: DeclaredResource) {
  const o = r.options;
  const t = o.customTimeouts;
  const timeouts = t ? { getCreate: () => seconds(t.create), getUpdate: () => seconds(t.update), getDelete: () => seconds(t.delete) } : NO_TIMEOUTS;
  const view = {
    getProtect: () => o.protect,
    getIgnorechangesList: () => o.ignoreChanges,
    getAliasesList: () => o.aliases,
    getCustomtimeouts: () => timeouts,
    getAdditionalsecretoutputsList: () => o.additionalSecretOutputs,
    getDeletebeforereplacedefined: () => o.deleteBeforeReplace !== undefined,
    getDeletebeforereplace: () => o.deleteBeforeReplace ?? false,
    getParent: () => r.parent ?? "",
  };
  return () => view;
}

/** The explicit provider ("urn::id" reference) when the program declared one and it is in the plan. */
function providerView(r: DeclaredResource, byUrn: ReadonlyMap<string, DeclaredResource>) {
  const ref = r.options.provider;
  const p = ref ? byUrn.get(ref.slice(0, ref.lastIndexOf("::"))) : undefined;
  const view = p && { getType: () => p.type, getName: () => p.name, getUrn: () => p.urn, getProperties: lazyStruct(() => wrapProperties(p.inputs, p.secretInputPaths)) };
  return () => view;
}

/** An Analyze request: the resource's inputs, as the engine sends them before a step. */
export function analyzeRequestView(r: DeclaredResource, byUrn: ReadonlyMap<string, DeclaredResource>) {
  return {
    getType: () => r.type,
    getName: () => r.name,
    getUrn: () => r.urn,
    getProperties: lazyStruct(() => wrapProperties(r.inputs, r.secretInputPaths)),
    getOptions: optionsView(r),
    getProvider: providerView(r, byUrn),
  };
}

/** One resource of an AnalyzeStack request: outputs, parent and dependencies. */
function analyzerResourceView(r: DeclaredResource, byUrn: ReadonlyMap<string, DeclaredResource>) {
  const dependencies = Object.entries(r.propertyDependencies).map(([key, urns]) => [key, { getUrnsList: () => urns }] as const);
  const propertyDependencies = { entries: () => dependencies[Symbol.iterator]() };
  return {
    getType: () => r.type,
    getName: () => r.name,
    getUrn: () => r.urn,
    getParent: () => r.parent ?? "",
    getProperties: lazyStruct(() => wrapProperties(r.outputs, r.secretOutputPaths)),
    getOptions: optionsView(r),
    getProvider: providerView(r, byUrn),
    getDependenciesList: () => r.dependencies,
    getPropertydependenciesMap: () => propertyDependencies,
  };
}

/** An AnalyzeStack request: every resource, in registration order. */
export function analyzeStackRequestView(resources: readonly DeclaredResource[]) {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const list = resources.map((r) => analyzerResourceView(r, byUrn));
  return { getResourcesList: () => list };
}
