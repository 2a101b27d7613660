// Builds analyzer protocol messages from declared resources and reads the answers, with the
// same protobuf classes (@pulumi/pulumi/proto) the policy SDK serves them with.
import { createRequire } from "node:module";
import type { DeclaredResource, EnforcementLevel, PolicyConfig, PolicyInfo, PolicyViolation } from "./types";
import { BinaryWriter, writeStructFields } from "./struct-bytes";
import { wrapProperties } from "./wire";

/* eslint-disable @typescript-eslint/no-explicit-any -- the generated protobuf classes are untyped */
// Resolve from @pulumi/pulumi so the message classes match the ones the SDK was built with.
const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi"));
export const analyzerProto: any = pulumiRequire("@pulumi/pulumi/proto/analyzer_pb");
export const analyzerGrpc: any = pulumiRequire("@pulumi/pulumi/proto/analyzer_grpc_pb");
export const emptyProto: any = pulumiRequire("google-protobuf/google/protobuf/empty_pb");
const structProto: any = pulumiRequire("google-protobuf/google/protobuf/struct_pb");

const LEVEL_NAMES: Record<number, EnforcementLevel> = Object.fromEntries(
  Object.entries(analyzerProto.EnforcementLevel as Record<string, number>).map(([k, v]) => [v, k.toLowerCase() as EnforcementLevel]),
);

export function levelName(level: number): EnforcementLevel {
  const name = LEVEL_NAMES[level];
  if (!name) throw new Error(`Unknown enforcement level ${level} in an analyzer answer (known: ${Object.keys(LEVEL_NAMES).join(", ")}).`);
  return name;
}

function levelNumber(level: EnforcementLevel): number {
  return analyzerProto.EnforcementLevel[level.toUpperCase()];
}

/** Go-style durations ("5m", "1h30m", "90s") → seconds, as the engine converts custom timeouts. */
export function seconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)) total += Number(n) * ({ h: 3600, m: 60, s: 1 } as const)[unit as "h" | "m" | "s"];
  return total;
}

function optionsOf(r: DeclaredResource): any {
  const o = new analyzerProto.AnalyzerResourceOptions();
  o.setProtect(r.options.protect);
  o.setIgnorechangesList([...r.options.ignoreChanges]);
  o.setDeletebeforereplacedefined(r.options.deleteBeforeReplace !== undefined);
  o.setDeletebeforereplace(r.options.deleteBeforeReplace ?? false);
  o.setAdditionalsecretoutputsList([...r.options.additionalSecretOutputs]);
  o.setAliasesList([...r.options.aliases]);
  if (r.parent) o.setParent(r.parent);
  const t = r.options.customTimeouts;
  if (t) {
    const ct = new analyzerProto.AnalyzerResourceOptions.CustomTimeouts();
    ct.setCreate(seconds(t.create));
    ct.setUpdate(seconds(t.update));
    ct.setDelete(seconds(t.delete));
    o.setCustomtimeouts(ct);
  }
  return o;
}

/** The explicit provider of `r` ("urn::id" reference), when the program declared one. */
function providerOf(r: DeclaredResource, byUrn: ReadonlyMap<string, DeclaredResource>): any {
  const ref = r.options.provider;
  const provider = ref ? byUrn.get(ref.slice(0, ref.lastIndexOf("::"))) : undefined;
  if (!provider) return undefined;
  const p = new analyzerProto.AnalyzerProviderResource();
  p.setType(provider.type);
  p.setName(provider.name);
  p.setUrn(provider.urn);
  p.setProperties(structProto.Struct.fromJavaScript(wrapProperties(provider.inputs, provider.secretInputPaths)));
  return p;
}

/** Field number of `properties` in AnalyzeRequest and AnalyzerResource; of `resources` in AnalyzeStackRequest (engine/sdk-hooks.ts checks them). */
export const PROPERTIES_FIELD = 2;
export const RESOURCES_FIELD = 1;

/** A Struct holding `obj` as written by hand, in hex (engine/sdk-hooks.ts compares it with the generated encoding). */
export function structBytes(obj: Record<string, unknown>): string {
  const w = new BinaryWriter();
  writeStructFields(obj, w);
  return Buffer.from(w.getResultBuffer()).toString("hex");
}

/** An Analyze request without its properties (the *Bytes functions write those straight from JSON). */
function analyzeRequestShell(r: DeclaredResource, byUrn: ReadonlyMap<string, DeclaredResource>): any {
  const req = new analyzerProto.AnalyzeRequest();
  req.setType(r.type);
  req.setName(r.name);
  req.setUrn(r.urn);
  req.setOptions(optionsOf(r));
  const provider = providerOf(r, byUrn);
  if (provider) req.setProvider(provider);
  return req;
}

/** Analyze sees a resource's inputs, as the engine sends them before a step. */
export function analyzeRequest(r: DeclaredResource, byUrn: ReadonlyMap<string, DeclaredResource>): any {
  const req = analyzeRequestShell(r, byUrn);
  req.setProperties(structProto.Struct.fromJavaScript(wrapProperties(r.inputs, r.secretInputPaths)));
  return req;
}

/** analyzeRequest's wire bytes, without building the properties' Struct/Value objects. */
export function analyzeRequestBytes(r: DeclaredResource, byUrn: ReadonlyMap<string, DeclaredResource>): Uint8Array {
  const w = new BinaryWriter();
  analyzerProto.AnalyzeRequest.serializeBinaryToWriter(analyzeRequestShell(r, byUrn), w);
  w.writeMessage(PROPERTIES_FIELD, wrapProperties(r.inputs, r.secretInputPaths), writeStructFields);
  return w.getResultBuffer();
}

/** One AnalyzeStack resource without its properties. */
function analyzerResourceShell(r: DeclaredResource, byUrn: ReadonlyMap<string, DeclaredResource>): any {
  const a = new analyzerProto.AnalyzerResource();
  a.setType(r.type);
  a.setName(r.name);
  a.setUrn(r.urn);
  a.setOptions(optionsOf(r));
  if (r.parent) a.setParent(r.parent);
  a.setDependenciesList([...r.dependencies]);
  const deps = a.getPropertydependenciesMap();
  for (const [key, urns] of Object.entries(r.propertyDependencies)) {
    const d = new analyzerProto.AnalyzerPropertyDependencies();
    d.setUrnsList([...urns]);
    deps.set(key, d);
  }
  const provider = providerOf(r, byUrn);
  if (provider) a.setProvider(provider);
  return a;
}

/** AnalyzeStack sees every resource's outputs with its parent and dependencies. */
export function analyzeStackRequest(resources: readonly DeclaredResource[]): any {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const list = resources.map((r) => {
    const a = analyzerResourceShell(r, byUrn);
    a.setProperties(structProto.Struct.fromJavaScript(wrapProperties(r.outputs, r.secretOutputPaths)));
    return a;
  });
  const req = new analyzerProto.AnalyzeStackRequest();
  req.setResourcesList(list);
  return req;
}

/** analyzeStackRequest's wire bytes, each resource written as it is built (no list of messages kept). */
export function analyzeStackRequestBytes(resources: readonly DeclaredResource[]): Uint8Array {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const w = new BinaryWriter();
  for (const r of resources) {
    w.writeMessage(RESOURCES_FIELD, r, (res: DeclaredResource, rw: any) => {
      analyzerProto.AnalyzerResource.serializeBinaryToWriter(analyzerResourceShell(res, byUrn), rw);
      rw.writeMessage(PROPERTIES_FIELD, wrapProperties(res.outputs, res.secretOutputPaths), writeStructFields);
    });
  }
  return w.getResultBuffer();
}

/**
 * The config the CLI sends: every policy, with its effective level (an entry without a level
 * would read as ADVISORY, the proto default, and silently downgrade a mandatory policy) and
 * its properties, schema defaults filled in.
 */
export function configureRequest(policies: readonly PolicyInfo[], config: PolicyConfig): any {
  const known = new Set(policies.map((p) => p.name));
  const strangers = Object.keys(config).filter((k) => k !== "all" && !known.has(k));
  if (strangers.length) throw new Error(`Policy config names unknown policies: ${strangers.join(", ")}. Known: ${[...known].join(", ")}.`);
  const req = new analyzerProto.ConfigureAnalyzerRequest();
  const map = req.getPolicyconfigMap();
  for (const p of policies) {
    const entry = config[p.name];
    const { enforcementLevel, ...props } = typeof entry === "string" ? { enforcementLevel: entry } : (entry ?? {});
    const all = config["all"];
    const level = enforcementLevel ?? (typeof all === "string" ? all : all?.enforcementLevel) ?? p.enforcementLevel;
    const pc = new analyzerProto.PolicyConfig();
    pc.setEnforcementlevel(levelNumber(level));
    pc.setProperties(structProto.Struct.fromJavaScript({ ...schemaDefaults(p.configSchema), ...props }));
    map.set(p.name, pc);
  }
  return req;
}

function schemaDefaults(schema: Record<string, unknown> | undefined): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema ?? {})) {
    if (typeof v === "object" && v !== null && "default" in v) defaults[k] = (v as { default: unknown }).default;
  }
  return defaults;
}

export function policyInfos(info: any): PolicyInfo[] {
  const kinds: Record<number, PolicyInfo["kind"]> = {
    [analyzerProto.PolicyType.POLICY_TYPE_RESOURCE]: "resource",
    [analyzerProto.PolicyType.POLICY_TYPE_STACK]: "stack",
  };
  return info.getPoliciesList().map((p: any) => ({
    name: p.getName(),
    description: p.getDescription(),
    enforcementLevel: levelName(p.getEnforcementlevel()),
    kind: kinds[p.getPolicyType()] ?? "unknown",
    configSchema: p.getConfigschema()?.getProperties()?.toJavaScript(),
  }));
}

/** Diagnostics of one answer; Analyze diagnostics without a URN are about the analysed resource. */
export function violationsOf(response: any, defaultUrn?: string): PolicyViolation[] {
  return response.getDiagnosticsList().map((d: any) => ({
    policyName: d.getPolicyname(),
    policyPackName: d.getPolicypackname(),
    policyPackVersion: d.getPolicypackversion(),
    enforcementLevel: levelName(d.getEnforcementlevel()),
    message: d.getMessage(),
    description: d.getDescription(),
    urn: d.getUrn() || defaultUrn,
  }));
}
/* eslint-enable @typescript-eslint/no-explicit-any */
