// Every place the gate's engine reaches into the Pulumi SDKs' internals, in one list; the policy pack
// holds none (docs/engine.md). Each hook names the SDK version it was written for and checks the shape
// of what it touches before touching it, so an SDK upgrade stops the gate with the hook's name instead
// of quietly changing what the gate sees. test/engine/sdk-hooks.test.ts runs every check.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { declaredResourceTypes, markRequestProps, UNKNOWN_VALUE } from "@oxmig/core/engine-hints";
import { PROPERTIES_FIELD, RESOURCES_FIELD, structBytes } from "./analyzer-proto";
import { viewGetters } from "./analyzer-views";

export type Sdk = "@pulumi/pulumi" | "@pulumi/policy";

/** The SDK versions the hooks below were written for (and read against). */
export const WRITTEN_FOR: Readonly<Record<Sdk, string>> = { "@pulumi/pulumi": "3.248.0", "@pulumi/policy": "1.21.0" };

const REPO = path.resolve(__dirname, "..");

/* eslint-disable @typescript-eslint/no-explicit-any -- SDK internals are untyped */
type AnyFn = (...args: any[]) => any;
const isFn = (v: unknown): v is AnyFn => typeof v === "function";

/** require() as a module in `from` (the repo, or a policy pack's folder) resolves it. */
function sdkRequire(from: string): NodeRequire {
  return createRequire(path.join(from, "package.json"));
}

function sourceOf(req: NodeRequire, id: string): string {
  return fs.readFileSync(req.resolve(id), "utf8");
}

export function installedVersion(sdk: Sdk, from = REPO): string {
  const pkg = JSON.parse(fs.readFileSync(sdkRequire(from).resolve(`${sdk}/package.json`), "utf8")) as { version: string };
  return pkg.version.replace(/^v/, "");
}

export class SdkChangedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SdkChangedError";
  }
}

export interface SdkHook {
  readonly name: string;
  readonly sdk: Sdk;
  /** The engine file that installs it. */
  readonly usedBy: string;
  /** What it touches, and what the engine gains. */
  readonly touches: string;
  /** Throws SdkChangedError naming the hook when what it touches is not as written for (SDK resolved from `from`). */
  check(from?: string): void;
}

interface HookDef extends Omit<SdkHook, "check"> {
  /** The first difference from the shape the hook was written for, or undefined. */
  readonly shape: (req: NodeRequire) => string | undefined;
}

function hook(def: HookDef): SdkHook {
  const { shape, ...about } = def;
  return {
    ...about,
    check(from = REPO) {
      let problem: string | undefined;
      try {
        problem = shape(sdkRequire(from));
      } catch (err) {
        problem = `reading it failed: ${(err as Error).message}`;
      }
      if (problem === undefined) return;
      const sdk = `${def.sdk} ${WRITTEN_FOR[def.sdk]}`;
      throw new SdkChangedError(`hook ${def.name} written for ${sdk} — the SDK changed under it (installed ${installedVersion(def.sdk, from)}): ${problem}`);
    },
  };
}

const missing = (names: readonly string[], on: object | undefined): string[] => names.filter((n) => !isFn((on as Record<string, unknown> | undefined)?.[n]));

// ——— @pulumi/pulumi under the mock runtime (engine/run-program.ts) ———

const REQUEST_GETTERS = [
  "getType",
  "getName",
  "getCustom",
  "getParent",
  "getObject",
  "getDependenciesList",
  "getPropertydependenciesMap",
  "getAliasurnsList",
  "getAliasesList",
  "getProtect",
  "getRetainondelete",
  "getIgnorechangesList",
  "getDeletebeforereplacedefined",
  "getDeletebeforereplace",
  "getAdditionalsecretoutputsList",
  "getProvider",
  "getCustomtimeouts",
];

export const NO_SOURCE_POSITIONS = hook({
  name: "no-source-positions",
  sdk: "@pulumi/pulumi",
  usedBy: "engine/run-program.ts",
  touches: "Resource.callsites (static, private) answers no frames: a registration then captures no full stack trace for a source position the mocks ignore",
  shape: (req) => {
    const { Resource } = req("@pulumi/pulumi/resource");
    if (!isFn(Resource?.callsites)) return "Resource.callsites is not a function";
    return String(Resource.stackTrace).includes("Resource.callsites()") ? undefined : "Resource.stackTrace no longer reads Resource.callsites()";
  },
});

export const NO_PROMISE_LEAK_TRACKING = hook({
  name: "no-promise-leak-tracking",
  sdk: "@pulumi/pulumi",
  usedBy: "engine/run-program.ts",
  touches: "runtime/debuggable's debuggablePromise becomes the identity: no captured stack and leak entry per internal promise (~10% of a run)",
  shape: (req) => {
    if (!isFn(req("@pulumi/pulumi/runtime/debuggable").debuggablePromise)) return "runtime/debuggable exports no debuggablePromise";
    const callsThroughExports = sourceOf(req, "@pulumi/pulumi/runtime/resource").includes("debuggable_1.debuggablePromise(");
    if (callsThroughExports) return undefined;
    return "runtime/resource.js no longer calls debuggablePromise through the module's exports (a replacement would go unseen)";
  },
});

export const MOCK_MONITOR = hook({
  name: "mock-monitor",
  sdk: "@pulumi/pulumi",
  usedBy: "engine/run-program.ts",
  touches: "runtime/settings getMonitor() is the MockMonitor setMocks installs; waitForRPCs() awaits the registrations still in flight",
  shape: (req) => {
    const settings = req("@pulumi/pulumi/runtime/settings");
    const absent = missing(["getMonitor", "waitForRPCs"], settings);
    if (absent.length) return `runtime/settings exports no ${absent.join(", ")}`;
    return String(req("@pulumi/pulumi/runtime/mocks").setMocks).includes("new MockMonitor(") ? undefined : "setMocks no longer installs a MockMonitor";
  },
});

export const ENGINE_URNS = hook({
  name: "engine-urns",
  sdk: "@pulumi/pulumi",
  usedBy: "engine/run-program.ts",
  touches: "MockMonitor.newUrn (private) follows the engine's rule: children of the root stack carry no stack type in their URN",
  shape: (req) => {
    const proto = req("@pulumi/pulumi/runtime/mocks").MockMonitor?.prototype;
    if (!isFn(proto?.newUrn) || proto.newUrn.length !== 3) return "MockMonitor.newUrn(parent, type, name) is gone";
    const namesThroughNewUrn = String(proto.registerResource).includes("this.newUrn(req.getParent(), req.getType(), req.getName())");
    return namesThroughNewUrn ? undefined : "registerResource no longer names resources through this.newUrn";
  },
});

export const MOCK_ENGINE_STORE = hook({
  name: "mock-engine-store",
  sdk: "@pulumi/pulumi",
  usedBy: "engine/run-program.ts",
  touches: "MockMonitor.resources, the mock engine's map URN → { urn, id, state }: each registration keeps the entry made for it",
  shape: (req) => {
    const { MockMonitor } = req("@pulumi/pulumi/runtime/mocks");
    const monitor = new MockMonitor({ newResource: () => ({ id: undefined, state: {} }), call: () => ({}) });
    if (!(monitor.resources instanceof Map)) return "a MockMonitor keeps no resources Map";
    const stores = /this\.resources\.set\(urn, \{ urn, id: [^,]+, state: /.test(String(MockMonitor.prototype.registerResource));
    return stores ? undefined : "registerResource no longer stores { urn, id, state } under the URN";
  },
});

export const REGISTRATION_INTERCEPT = hook({
  name: "registration-intercept",
  sdk: "@pulumi/pulumi",
  usedBy: "engine/run-program.ts",
  touches: "MockMonitor.registerResource(request, callback) is wrapped; the gate reads each RegisterResourceRequest with its generated getters",
  shape: (req) => {
    const register = req("@pulumi/pulumi/runtime/mocks").MockMonitor?.prototype.registerResource;
    if (register?.length !== 2) return "MockMonitor.registerResource(request, callback) is gone";
    const pb = req("@pulumi/pulumi/proto/resource_pb");
    const absent = [
      ...missing(REQUEST_GETTERS, pb.RegisterResourceRequest?.prototype).map((g) => `RegisterResourceRequest.${g}`),
      ...missing(["getCreate", "getUpdate", "getDelete"], pb.RegisterResourceRequest?.CustomTimeouts?.prototype).map((g) => `CustomTimeouts.${g}`),
      ...missing(["getUrnsList"], pb.RegisterResourceRequest?.PropertyDependencies?.prototype).map((g) => `PropertyDependencies.${g}`),
      ...missing(["getUrn"], req("@pulumi/pulumi/proto/alias_pb").Alias?.prototype).map((g) => `Alias.${g}`),
      ...missing(["getUrn"], pb.RegisterResourceResponse?.prototype).map((g) => `RegisterResourceResponse.${g}`),
    ];
    return absent.length ? `missing ${absent.join(", ")}` : undefined;
  },
});

/** Resource.stackTrace() → no frames: registrations carry no source position. */
export function skipSourcePositions(): void {
  NO_SOURCE_POSITIONS.check();
  require("@pulumi/pulumi/resource").Resource.callsites = () => [];
}

export function skipPromiseLeakTracking(): void {
  NO_PROMISE_LEAK_TRACKING.check();
  require("@pulumi/pulumi/runtime/debuggable").debuggablePromise = <T>(p: Promise<T>) => p;
}

export interface StoredState {
  id?: string | null;
  state: any;
}

/** The mock engine setMocks installed, as far as the gate reaches into it. */
export interface MockEngine {
  /** The engine's own store, URN → entry. */
  readonly resources: Map<string, StoredState>;
  nameResourcesWith(rule: (parent: string | undefined, type: string, name: string) => string): void;
  /** Wraps every registration: `around(request, callback, register)` must call `register` once. */
  interceptRegistrations(around: (req: any, callback: AnyFn, register: (req: any, callback: AnyFn) => unknown) => unknown): void;
  /** Resolves once every registration in flight is answered. */
  settled(): Promise<void>;
}

/** Call after pulumi.runtime.setMocks. */
export function mockEngine(): MockEngine {
  for (const h of [MOCK_MONITOR, ENGINE_URNS, MOCK_ENGINE_STORE, REGISTRATION_INTERCEPT]) h.check();
  const settings = require("@pulumi/pulumi/runtime/settings");
  const monitor = settings.getMonitor();
  if (!(monitor instanceof require("@pulumi/pulumi/runtime/mocks").MockMonitor)) throw new Error("No mock engine: call pulumi.runtime.setMocks first.");
  const register = monitor.registerResource.bind(monitor);
  return {
    resources: monitor.resources,
    nameResourcesWith: (rule) => void (monitor.newUrn = rule),
    interceptRegistrations: (around) => void (monitor.registerResource = (req: any, callback: AnyFn) => around(req, callback, register)),
    settled: () => settings.waitForRPCs(),
  };
}

// ——— @pulumi/policy loaded into the gate's process (engine/in-process-pack.ts) ———

/** The SDK modules holding a pack's state: one pack per instance of them, and its Configure result. */
const POLICY_STATE_MODULES = ["@pulumi/policy", "@pulumi/policy/policy", "@pulumi/policy/server"];
const HANDLER_NAMES = ["getAnalyzerInfo", "configure", "analyze", "analyzeStack"] as const;

export const FRESH_POLICY_SDK = hook({
  name: "fresh-policy-sdk",
  sdk: "@pulumi/policy",
  usedBy: "engine/in-process-pack.ts",
  touches:
    "require.cache entries of @pulumi/policy, /policy and /server are deleted before a pack loads: " +
    "server.js allows one pack per module instance and keeps the Configure result at module level",
  shape: (req) => {
    const server = sourceOf(req, "@pulumi/policy/server");
    if (!server.includes("let servingPolicyPack") || !server.includes("let policyPackConfig")) return "server.js keeps its pack and config state elsewhere";
    if (!sourceOf(req, "@pulumi/policy").includes('require("./policy")')) return "index.js no longer loads ./policy";
    return sourceOf(req, "@pulumi/policy/policy").includes('require("./server")') ? undefined : "policy.js no longer loads ./server";
  },
});

export const ANALYZER_SERVER_STUB = hook({
  name: "analyzer-server-stub",
  sdk: "@pulumi/policy",
  usedBy: "engine/in-process-pack.ts",
  touches: "grpc.Server.prototype.addService / bindAsync of the @grpc/grpc-js the policy SDK loads: the handlers are kept and called directly, nothing listens",
  shape: (req) => {
    const grpc = createRequire(req.resolve("@pulumi/policy"))("@grpc/grpc-js");
    const absent = missing(["addService", "bindAsync"], grpc.Server?.prototype);
    if (absent.length) return `grpc.Server has no ${absent.join(", ")}`;
    const serve = String(req("@pulumi/policy/server").serve);
    const expected = ["server.addService(analyzerrpc.AnalyzerService", "server.bindAsync(", ...HANDLER_NAMES.map((h) => `${h}: `)];
    const unserved = expected.filter((s) => !serve.includes(s));
    return unserved.length ? `serve() no longer contains ${unserved.join(" / ")}` : undefined;
  },
});

export const POLICIES_AT_SERVE = hook({
  name: "policies-at-serve",
  sdk: "@pulumi/policy",
  usedBy: "engine/in-process-pack.ts",
  touches: "server.serve is wrapped while a pack loads, to see the policies the PolicyPack constructor hands it",
  shape: (req) => {
    if (!isFn(req("@pulumi/policy/server").serve)) return "server.js exports no serve";
    const servesThroughExports = String(req("@pulumi/policy/policy").PolicyPack).includes("server_1.serve(this.name, version, enforcementLevel, args");
    return servesThroughExports ? undefined : "PolicyPack no longer calls serve(name, version, level, args) through the module's exports";
  },
});

export const DECODE_ONCE_PER_REQUEST = hook({
  name: "decode-once-per-request",
  sdk: "@pulumi/policy",
  usedBy: "engine/in-process-pack.ts",
  touches: "deserialize.deserializeProperties decodes each of the engine's request Structs once, for every policy, and marks the result (core/engine-hints.ts)",
  shape: (req) => {
    if (!isFn(req("@pulumi/policy/deserialize").deserializeProperties)) return "deserialize.js exports no deserializeProperties";
    const calls = sourceOf(req, "@pulumi/policy/server").split("deserialize_1.deserializeProperties(").length - 1;
    if (calls >= 3) return undefined;
    return `server.js calls deserializeProperties through the module's exports ${calls} time(s), not in Analyze, AnalyzeStack and for providers`;
  },
});

const SENTINEL_NAMES = [
  "unknownBooleanValue",
  "unknownNumberValue",
  "unknownStringValue",
  "unknownArrayValue",
  "unknownAssetValue",
  "unknownArchiveValue",
  "unknownObjectValue",
];

export const UNKNOWN_SENTINELS = hook({
  name: "unknown-sentinels",
  sdk: "@pulumi/policy",
  usedBy: "engine/in-process-pack.ts",
  touches:
    "proxy.js's wire sentinels of unknown values (internal exports): the engine's plain data turns exactly the values " +
    "the SDK's proxy refuses to read into the pack's unknown marker",
  shape: (req) => {
    const proxy = req("@pulumi/policy/proxy");
    const absent = SENTINEL_NAMES.filter((n) => typeof proxy[n] !== "string");
    if (absent.length) return `proxy.js exports no ${absent.join(", ")}`;
    if (proxy[SENTINEL_NAMES[2]!] !== UNKNOWN_VALUE) return "the unknown string is no longer @pulumi/pulumi's runtime.unknownValue";
    const refused = (value: unknown): boolean => {
      try {
        void proxy.unknownCheckingProxy({ value }).value;
      } catch {
        return true;
      }
      return false;
    };
    const notRefused = SENTINEL_NAMES.filter((n) => !refused(proxy[n]));
    if (notRefused.length) return `the proxy reads ${notRefused.join(", ")} without throwing`;
    return refused("known") ? "the proxy refuses a known string" : undefined;
  },
});

export const RESOURCE_TYPE_TAG = hook({
  name: "resource-type-tag",
  sdk: "@pulumi/policy",
  usedBy: "engine/in-process-pack.ts",
  touches: "__pulumiType on a one-type resource rule's validate function (the tag validateResourceOfType sets): Analyze skips other types before decoding them",
  shape: (req) => {
    const policy = req("@pulumi/policy/policy");
    const tagged = Object.assign(() => undefined, { __pulumiType: "t" });
    if (!isFn(policy.getPulumiType) || policy.getPulumiType(tagged) !== "t") return "getPulumiType no longer reads __pulumiType";
    const analyze = String(req("@pulumi/policy/server").makeAnalyzeRpcFun);
    const tagAt = analyze.indexOf("getPulumiType(p.validateResource)");
    return tagAt >= 0 && tagAt < analyze.indexOf("deserializeProperties(") ? undefined : "Analyze no longer checks the tag before decoding a resource";
  },
});

/** Requests as the analyzer views build them: `(struct)` is one of theirs. */
export type IsEngineStruct = (struct: unknown) => boolean;

/** Deletes the policy SDK's stateful modules from require's cache, so the next pack loads them afresh. */
export function freshPolicySdk(packDir: string): void {
  FRESH_POLICY_SDK.check(packDir);
  const req = sdkRequire(packDir);
  for (const id of POLICY_STATE_MODULES) delete require.cache[req.resolve(id)];
}

type Handler = (call: { request: unknown }, callback: (err: unknown, response: any) => void) => unknown;
export type AnalyzerHandlers = Record<(typeof HANDLER_NAMES)[number], Handler>;

/**
 * Runs `load` (which constructs the pack's PolicyPack) with the SDK's gRPC server stubbed out and
 * returns the handlers the SDK registered and the policies it serves.
 */
export function constructInProcess(packDir: string, load: () => void): { handlers?: AnalyzerHandlers; policies: readonly unknown[] } {
  ANALYZER_SERVER_STUB.check(packDir);
  POLICIES_AT_SERVE.check(packDir);
  const req = sdkRequire(packDir);
  const server = req("@pulumi/policy/server");
  const grpcServer = createRequire(req.resolve("@pulumi/policy"))("@grpc/grpc-js").Server.prototype;
  const original = { addService: grpcServer.addService, bindAsync: grpcServer.bindAsync, serve: server.serve };
  let handlers: AnalyzerHandlers | undefined;
  let policies: readonly unknown[] = [];
  grpcServer.addService = (_service: unknown, implementation: AnalyzerHandlers) => void (handlers = implementation);
  grpcServer.bindAsync = () => undefined; // nothing listens and no port is printed
  // serve(name, version, enforcementLevel, policyPackArgs, initialConfig)
  server.serve = (...args: any[]) => {
    policies = args[3]?.policies ?? [];
    return Reflect.apply(original.serve, server, args);
  };
  try {
    load();
  } finally {
    Object.assign(grpcServer, { addService: original.addService, bindAsync: original.bindAsync });
    server.serve = original.serve;
  }
  const absent = handlers ? HANDLER_NAMES.filter((h) => !isFn(handlers![h])) : [];
  if (absent.length) {
    const sdk = `@pulumi/policy ${WRITTEN_FOR["@pulumi/policy"]}`;
    const problem = `the analyzer service has no ${absent.join(", ")}`;
    throw new SdkChangedError(`hook ${ANALYZER_SERVER_STUB.name} written for ${sdk} — the SDK changed under it: ${problem}`);
  }
  return { ...(handlers ? { handlers } : {}), policies };
}

const DECODE_ONCE = Symbol.for("oxmig.gate.decode-once");

/**
 * `value` with every unknown sentinel as UNKNOWN_VALUE: what the pack's copy through the SDK's proxy
 * gives (policies/support/unknowns.ts). Copies only what holds a sentinel; otherwise `value` itself.
 */
export function withUnknownsMarked(value: unknown, sentinels: ReadonlySet<string>): unknown {
  if (typeof value === "string") return value.length === UNKNOWN_VALUE.length && sentinels.has(value) ? UNKNOWN_VALUE : value;
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const marked = withUnknownsMarked(value[i], sentinels);
      if (marked !== value[i]) (copy ??= [...value])[i] = marked;
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    const marked = withUnknownsMarked(v, sentinels);
    if (marked !== v) (copy ??= { ...value })[key] = marked;
  }
  return copy ?? value;
}

/** The wire sentinels of unknown values, as the policy SDK the pack loads knows them. */
export function unknownSentinels(packDir: string): ReadonlySet<string> {
  UNKNOWN_SENTINELS.check(packDir);
  const proxy = sdkRequire(packDir)("@pulumi/policy/proxy");
  return new Set(SENTINEL_NAMES.map((n) => proxy[n] as string));
}

/** The SDK decodes the engine's request Structs once per request, not once per policy, and marks them with their plain data (idempotent). */
export function decodeOncePerRequest(packDir: string, isEngineStruct: IsEngineStruct): void {
  DECODE_ONCE_PER_REQUEST.check(packDir);
  const sentinels = unknownSentinels(packDir);
  const deserialize = sdkRequire(packDir)("@pulumi/policy/deserialize");
  const original = deserialize.deserializeProperties;
  if (original[DECODE_ONCE]) return;
  const decoded = new WeakMap<object, Record<string, unknown>>();
  const once = (struct: object, proxySecrets?: boolean) => {
    // Remediations get per-call secret proxies; anything not built by the engine is decoded as usual.
    if (proxySecrets || !isEngineStruct(struct)) return original(struct, proxySecrets);
    let props = decoded.get(struct);
    if (!props) {
      props = original(struct, false) as Record<string, unknown>;
      markRequestProps(props, withUnknownsMarked(props, sentinels) as Record<string, unknown>);
      decoded.set(struct, props);
    }
    return props;
  };
  deserialize.deserializeProperties = Object.assign(once, { [DECODE_ONCE]: true });
}

/** Tags each rule that reads one resource type (core/engine-hints.ts) with the SDK's own type filter. */
export function tagResourceTypes(packDir: string, policies: readonly unknown[]): void {
  RESOURCE_TYPE_TAG.check(packDir);
  for (const p of policies as { validateResource?: unknown }[]) {
    const types = declaredResourceTypes(p?.validateResource);
    if (types?.length === 1) (p.validateResource as { __pulumiType?: string }).__pulumiType = types[0];
  }
}

// ——— Engine code that patches nothing but mirrors SDK internals ———

/** Getters server.js calls on other things than Analyze / AnalyzeStack requests. */
const NOT_REQUEST_GETTERS = new Set(["getEnforcementlevel", "getPolicyconfigMap", "getTagsMap", "getOwnPropertySymbols", "getPulumiType"]);

export const ANALYZER_REQUEST_VIEWS = hook({
  name: "analyzer-request-views",
  sdk: "@pulumi/policy",
  usedBy: "engine/analyzer-views.ts",
  touches:
    "in process, requests are plain views, not protobuf messages: they must answer every getter the SDK's server reads " +
    "from Analyze and AnalyzeStack requests",
  shape: (req) => {
    const called = [...sourceOf(req, "@pulumi/policy/server").matchAll(/\.(get[A-Z]\w*)\(/g)].map((m) => m[1]!);
    const read = new Set(called.filter((g) => !NOT_REQUEST_GETTERS.has(g)));
    const answered = viewGetters();
    const unanswered = [...read].filter((g) => !answered.has(g));
    return unanswered.length ? `the SDK reads ${unanswered.join(", ")}, which the request views do not answer` : undefined;
  },
});

export const ANALYZER_WIRE_FIELDS = hook({
  name: "analyzer-wire-fields",
  sdk: "@pulumi/pulumi",
  usedBy: "engine/analyzer-proto.ts, engine/struct-bytes.ts",
  touches:
    "over gRPC, request properties are written as protobuf bytes by hand: field numbers of AnalyzeRequest, AnalyzerResource " +
    "and AnalyzeStackRequest, and google.protobuf.Struct's encoding",
  shape: (req) => {
    const pb = req("@pulumi/pulumi/proto/analyzer_pb");
    const structPb = createRequire(req.resolve("@pulumi/pulumi"))("google-protobuf/google/protobuf/struct_pb");
    const tag = (field: number) => (field << 3) | 2; // length-delimited
    const firstByte = (message: any) => (message.serializeBinary() as Uint8Array)[0];
    const request = new pb.AnalyzeRequest();
    request.setProperties(new structPb.Struct());
    const resource = new pb.AnalyzerResource();
    resource.setProperties(new structPb.Struct());
    const stack = new pb.AnalyzeStackRequest();
    stack.setResourcesList([new pb.AnalyzerResource()]);
    const propertiesTag = tag(PROPERTIES_FIELD);
    if (firstByte(request) !== propertiesTag || firstByte(resource) !== propertiesTag) return `properties is no longer field ${PROPERTIES_FIELD}`;
    if (firstByte(stack) !== tag(RESOURCES_FIELD)) return `AnalyzeStackRequest.resources is no longer field ${RESOURCES_FIELD}`;
    const sample = { s: "x", n: 1.5, b: true, z: null, l: [1, "y", { k: [] }], o: { k: "v" } };
    const generated = Buffer.from(structPb.Struct.fromJavaScript(sample).serializeBinary()).toString("hex");
    return structBytes(sample) === generated ? undefined : "a Struct written by hand no longer equals the generated encoding";
  },
});

/** Every hook, in the order docs/engine.md lists them. */
export const SDK_HOOKS: readonly SdkHook[] = [
  NO_SOURCE_POSITIONS,
  NO_PROMISE_LEAK_TRACKING,
  MOCK_MONITOR,
  ENGINE_URNS,
  MOCK_ENGINE_STORE,
  REGISTRATION_INTERCEPT,
  FRESH_POLICY_SDK,
  ANALYZER_SERVER_STUB,
  POLICIES_AT_SERVE,
  DECODE_ONCE_PER_REQUEST,
  UNKNOWN_SENTINELS,
  RESOURCE_TYPE_TAG,
  ANALYZER_REQUEST_VIEWS,
  ANALYZER_WIRE_FIELDS,
];
/* eslint-enable @typescript-eslint/no-explicit-any */
