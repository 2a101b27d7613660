// Loads a policy pack into this process and calls the policy SDK's own analyzer handlers directly:
// the same GetAnalyzerInfo / Configure / Analyze / AnalyzeStack code the pack serves over gRPC.
// Analyze requests are the views of analyzer-views.ts, not encoded and decoded protobuf messages
// (the transport cost more than the rules: bench/gate.ts); Configure gets a real message.
import { createRequire } from "node:module";
import * as path from "node:path";
import { configureRequest, emptyProto, policyInfos, violationsOf } from "./analyzer-proto";
import { analyzeRequestView, analyzeStackRequestView } from "./analyzer-views";
import type { PolicyPackClient } from "./analyzer-client";
import type { PolicyInfo } from "./types";

/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's handlers and messages are untyped */
type Handler = (call: { request: unknown }, callback: (err: unknown, response: any) => void) => unknown;
type Handlers = Record<"getAnalyzerInfo" | "configure" | "analyze" | "analyzeStack", Handler>;

interface LoadedPack {
  readonly handlers: Handlers;
  /** One call at a time: Configure state is the SDK module's, not a session's. */
  lock: Promise<void>;
  /** The session whose config the SDK holds now. */
  configuredFor?: Session;
}

// Shared by every copy of this module in the process (a test runner may load it twice).
const registry: Map<string, LoadedPack> = ((globalThis as any).__oxmigInProcessPacks ??= new Map());

const SDK_STATE_MODULES = ["@pulumi/policy", "@pulumi/policy/policy", "@pulumi/policy/server"];

/**
 * Constructs the pack's PolicyPack with the SDK's gRPC server stubbed out, keeping the handlers
 * the SDK registers. The SDK allows one pack per module instance, so its stateful modules are
 * loaded afresh for each pack directory.
 */
function loadPack(packDir: string): LoadedPack {
  const packRequire = createRequire(path.join(packDir, "index.ts"));
  for (const id of SDK_STATE_MODULES) delete require.cache[packRequire.resolve(id)];
  const grpc = createRequire(packRequire.resolve("@pulumi/policy"))("@grpc/grpc-js");
  const proto = grpc.Server.prototype;
  const original = { addService: proto.addService, bindAsync: proto.bindAsync };
  let handlers: Handlers | undefined;
  proto.addService = function (_service: unknown, implementation: Handlers) {
    handlers = implementation;
  };
  proto.bindAsync = function () {
    // Nothing listens and no port is printed: the handlers are called directly.
  };
  const cwd = process.cwd();
  try {
    // PolicyPack reads ./package.json for the pack's version, as under run-policy-pack.
    process.chdir(packDir);
    withTypeScript(() => require(path.join(packDir, "index.ts")));
  } finally {
    process.chdir(cwd);
    Object.assign(proto, original);
  }
  if (!handlers) throw new Error(`Policy pack ${packDir} constructed no PolicyPack (its index.ts must call new PolicyPack(...)).`);
  return { handlers, lock: Promise.resolve() };
}

/**
 * Runs `load` with Node able to require TypeScript: the CLI has tsx registered already; elsewhere
 * (a test runner) it is registered for the load only. Not tsx's namespaced require: that keeps a
 * second copy of every module, the SDK's one-pack-per-process guard included.
 */
function withTypeScript(load: () => void): void {
  if (require.extensions[".ts"]) return load();
  const unregister = (require("tsx/cjs/api") as { register: () => () => void }).register();
  try {
    load();
  } finally {
    unregister();
  }
}

function invoke(handler: Handler, request: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    void handler({ request }, (err, response) => (err ? reject(err) : resolve(response)));
  });
}

/** Runs `call` alone on the pack, configured for `session` first if another session configured it since. */
async function exclusive<T>(pack: LoadedPack, session: Session, call: () => Promise<T>): Promise<T> {
  const previous = pack.lock;
  let release!: () => void;
  pack.lock = new Promise((resolve) => (release = resolve));
  await previous;
  try {
    if (pack.configuredFor !== session) {
      await invoke(pack.handlers.configure, session.configureRequest());
      pack.configuredFor = session;
    }
    return await call();
  } finally {
    release();
  }
}

interface Session {
  /** The session's Configure request (its last config, or none given: every policy at its own level). */
  configureRequest(): unknown;
}

/**
 * The pack at `packDir`, loaded once per process. Sessions (one per gate) may interleave: Configure
 * state lives in the SDK's module, so each call first restores its own session's config if needed.
 */
export async function openInProcessPack(packDir: string): Promise<PolicyPackClient> {
  const dir = path.resolve(packDir);
  const started = performance.now();
  let pack = registry.get(dir);
  if (!pack) {
    pack = loadPack(dir);
    registry.set(dir, pack);
  }
  const loaded = pack;
  const { handlers } = loaded;
  const info = await invoke(handlers.getAnalyzerInfo, new emptyProto.Empty());
  const policies: PolicyInfo[] = policyInfos(info);
  let request = configureRequest(policies, {});
  const session: Session = { configureRequest: () => request };
  let closed = false;
  const run = <T>(call: () => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new Error(`The in-process session of ${dir} is closed.`));
    return exclusive(loaded, session, call);
  };
  return {
    name: info.getName(),
    version: info.getVersion(),
    policies,
    pid: undefined,
    startMs: performance.now() - started,
    configure: async (config) => {
      const next = configureRequest(policies, config);
      if (closed) throw new Error(`The in-process session of ${dir} is closed.`);
      request = next;
      if (loaded.configuredFor === session) loaded.configuredFor = undefined;
      await run(async () => undefined); // sends it now, so the SDK's answer to a bad config comes here
    },
    analyze: (resources, opts = {}) =>
      run(async () => {
        const byUrn = opts.known ?? new Map(resources.map((r) => [r.urn, r]));
        const found = [];
        for (const r of resources) found.push(...violationsOf(await invoke(handlers.analyze, analyzeRequestView(r, byUrn)), r.urn));
        return found;
      }),
    analyzeStack: (resources) => run(async () => violationsOf(await invoke(handlers.analyzeStack, analyzeStackRequestView(resources)))),
    close: () => {
      closed = true;
    },
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */
