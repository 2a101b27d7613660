// Loads a policy pack into this process and calls the policy SDK's own analyzer handlers directly:
// the same GetAnalyzerInfo / Configure / Analyze / AnalyzeStack code the pack serves over gRPC.
// Analyze requests are the views of analyzer-views.ts, not encoded and decoded protobuf messages
// (the transport cost more than the rules: bench/gate.ts); Configure gets a real message.
import * as path from "node:path";
import { appendAll } from "@oxmig/core/append";
import { configureRequest, emptyProto, policyInfos, violationsOf } from "./analyzer-proto";
import { analyzeRequestView, analyzeStackRequestView, isRequestStruct } from "./analyzer-views";
import type { PolicyPackClient } from "./analyzer-client";
import { constructInProcess, decodeOncePerRequest, freshPolicySdk, tagResourceTypes, type AnalyzerHandlers } from "./sdk-hooks";
import type { PolicyInfo, PolicyViolation } from "./types";

/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's handlers and messages are untyped */
type Handler = AnalyzerHandlers[keyof AnalyzerHandlers];

interface LoadedPack {
  readonly handlers: AnalyzerHandlers;
  /** One call at a time: Configure state is the SDK module's, not a session's. */
  lock: Promise<void>;
  /** The session whose config the SDK holds now. */
  configuredFor?: Session;
}

// Shared by every copy of this module in the process (a test runner may load it twice).
const registry: Map<string, LoadedPack> = ((globalThis as any).__oxmigInProcessPacks ??= new Map());

/**
 * Constructs the pack's PolicyPack from its entry (package.json main, as run-policy-pack loads it)
 * with the SDK's gRPC server stubbed out, keeping the handlers the SDK registers. Every reach into
 * the SDK is a hook of sdk-hooks.ts: fresh SDK modules per pack directory (one pack per module
 * instance), request properties decoded once for every policy, and the SDK's type filter for rules
 * that declare the one resource type they read.
 */
function loadPack(packDir: string): LoadedPack {
  freshPolicySdk(packDir);
  decodeOncePerRequest(packDir, isRequestStruct);
  const cwd = process.cwd();
  const { handlers, policies } = constructInProcess(packDir, () => {
    try {
      // PolicyPack reads ./package.json for the pack's version, as under run-policy-pack.
      process.chdir(packDir);
      withTypeScript(() => require(packDir));
    } finally {
      process.chdir(cwd);
    }
  });
  if (!handlers) throw new Error(`Policy pack ${packDir} constructed no PolicyPack (its entry must call new PolicyPack(...)).`);
  tagResourceTypes(packDir, policies);
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
        const found: PolicyViolation[] = [];
        for (const r of resources) appendAll(found, violationsOf(await invoke(handlers.analyze, analyzeRequestView(r, byUrn)), r.urn));
        return found;
      }),
    analyzeStack: (resources) => run(async () => violationsOf(await invoke(handlers.analyzeStack, analyzeStackRequestView(resources)))),
    close: () => {
      closed = true;
    },
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */
