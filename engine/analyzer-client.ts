// Starts a CrossGuard policy pack as a child process, as `pulumi preview --policy-pack`
// does, and speaks the analyzer gRPC protocol to it: GetAnalyzerInfo, Configure, Analyze
// per resource, AnalyzeStack. The child is stopped by its PID on close and on errors.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { cpuProfileArgv, DEFAULT_SEMI_SPACE_MB } from "./program-process";
import { analyzeRequestBytes, analyzeStackRequestBytes, analyzerGrpc, configureRequest, emptyProto, policyInfos, violationsOf } from "./analyzer-proto";
import type { DeclaredResource, PolicyConfig, PolicyInfo, PolicyViolation } from "./types";

const grpc: typeof import("@grpc/grpc-js") = createRequire(require.resolve("@pulumi/pulumi"))("@grpc/grpc-js");
const REPO = path.resolve(__dirname, "..");
/** run-policy-pack ignores the engine address (it only needs the argument); nothing listens here. */
const ENGINE_ADDRESS = "127.0.0.1:0";
const MAX_MESSAGE = 400 * 1024 * 1024;

export interface StartPolicyPackOptions {
  /** Directory with PulumiPolicy.yaml, package.json (name, version, main) and the entry it names (index.ts without a main). */
  readonly packDir: string;
  /**
   * "cli" (default): the exact entry the CLI runs (`run-policy-pack <engine> .`, TypeScript
   * through the SDK's vendored, type-checking ts-node, which caches its output);
   * "tsx": the same pack loaded with tsx (no type check; measured slower once ts-node's cache is warm).
   */
  readonly loader?: "tsx" | "cli";
  readonly startTimeoutMs?: number;
}

export interface AnalyzeOptions {
  /** Requests in flight at once (gRPC only; default 64). */
  readonly concurrency?: number;
  /** URN → every resource a request may refer to (explicit providers), `resources` included; default: `resources`. */
  readonly known?: ReadonlyMap<string, DeclaredResource>;
}

export interface PolicyPackClient {
  readonly name: string;
  readonly version: string;
  readonly policies: readonly PolicyInfo[];
  /** The pack's process, stopped by close(). */
  readonly pid: number | undefined;
  /** Ms from spawn to a listening analyzer. */
  readonly startMs: number;
  configure(config: PolicyConfig): Promise<void>;
  analyze(resources: readonly DeclaredResource[], opts?: AnalyzeOptions): Promise<PolicyViolation[]>;
  analyzeStack(resources: readonly DeclaredResource[]): Promise<PolicyViolation[]>;
  close(): void;
}

function commandFor(opts: StartPolicyPackOptions): string[] {
  const packDir = path.resolve(opts.packDir);
  // The CLI runs the pack folder ("."), i.e. its package.json main, with the run-policy-pack of the pack's own @pulumi/pulumi.
  if (opts.loader !== "tsx") return [createRequire(path.join(packDir, "package.json")).resolve("@pulumi/pulumi/cmd/run-policy-pack"), ENGINE_ADDRESS, "."];
  return [path.join(REPO, "bin", "run-ts.cjs"), path.join(__dirname, "policy-pack-host.ts"), ENGINE_ADDRESS, packDir];
}

function stop(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid);
  } catch {
    // Already gone between the check and the signal.
  }
}

/** Resolves with the port the pack prints on its first stdout line. */
function waitForPort(child: ChildProcess, timeoutMs: number, packDir: string): Promise<number> {
  let stderr = "";
  let stdout = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Policy pack ${packDir} printed no port within ${timeoutMs} ms.\n${stderr}`)), timeoutMs);
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
      const line = /^(\d+)\s*\n/.exec(stdout);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Policy pack ${packDir} exited with ${code} before listening.\n${stderr}${stdout}`));
    });
  });
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the generated gRPC client is untyped */
function call(client: any, method: string, request: unknown): Promise<any> {
  return new Promise((resolve, reject) => client[method](request, (err: unknown, resp: unknown) => (err ? reject(err) : resolve(resp))));
}

/** A unary call whose request is already protobuf bytes (the generated serializer would want a message object). */
function callWithBytes(client: any, method: "analyze" | "analyzeStack", bytes: Uint8Array): Promise<any> {
  const def = analyzerGrpc.AnalyzerService[method];
  const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(def.path, asBuffer, def.responseDeserialize, bytes, (err: unknown, resp: unknown) => (err ? reject(err) : resolve(resp))),
  );
}

async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Starts the pack, connects, and reads its policies. Stops the child if any step fails. */
export async function startPolicyPack(opts: StartPolicyPackOptions): Promise<PolicyPackClient> {
  const started = performance.now();
  const packDir = path.resolve(opts.packDir);
  const child = spawn(process.execPath, [`--max-semi-space-size=${DEFAULT_SEMI_SPACE_MB}`, ...cpuProfileArgv(), ...commandFor(opts)], {
    cwd: packDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const onExit = () => stop(child);
  process.once("exit", onExit);
  try {
    const port = await waitForPort(child, opts.startTimeoutMs ?? 60_000, packDir);
    const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": MAX_MESSAGE,
      "grpc.max_send_message_length": MAX_MESSAGE,
    });
    const info = await call(client, "getAnalyzerInfo", new emptyProto.Empty());
    const policies = policyInfos(info);
    const startMs = performance.now() - started;
    return {
      name: info.getName(),
      version: info.getVersion(),
      policies,
      pid: child.pid,
      startMs,
      configure: async (config) => void (await call(client, "configure", configureRequest(policies, config))),
      analyze: async (resources, opts = {}) => {
        const byUrn = opts.known ?? new Map(resources.map((r) => [r.urn, r]));
        const answers = await mapBounded(resources, opts.concurrency ?? 64, (r) =>
          callWithBytes(client, "analyze", analyzeRequestBytes(r, byUrn)).then((a) => violationsOf(a, r.urn)),
        );
        return answers.flat();
      },
      analyzeStack: async (resources) => violationsOf(await callWithBytes(client, "analyzeStack", analyzeStackRequestBytes(resources))),
      close: () => {
        client.close();
        stop(child);
        process.removeListener("exit", onExit);
      },
    };
  } catch (err) {
    stop(child);
    process.removeListener("exit", onExit);
    throw err;
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */
