// Pulumi's dynamic provider host (@pulumi/pulumi/cmd/dynamic-provider), started the way the CLI starts
// it and spoken to over gRPC the way the engine does: Configure with the stack config, then
// Check/Diff/Create/Read/Update/Delete with the serialised provider in `__provider`.
// The CLI runs `pulumi-resource-pulumi-nodejs`, a script that resolves the host from its working
// directory (`node -e "require.resolve('@pulumi/pulumi/cmd/dynamic-provider')"`) and runs it with node;
// that resolution is done here the same way, in the same directory.

import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";

/* eslint-disable @typescript-eslint/no-explicit-any -- the generated protobuf classes are untyped */
const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi"));
const grpc: typeof import("@grpc/grpc-js") = pulumiRequire("@grpc/grpc-js");
const provider: any = pulumiRequire("@pulumi/pulumi/proto/provider_pb");
const providerGrpc: any = pulumiRequire("@pulumi/pulumi/proto/provider_grpc_pb");
const { Struct }: any = pulumiRequire("google-protobuf/google/protobuf/struct_pb");

type Props = Record<string, unknown>;

export interface ProviderHost {
  readonly pid: number;
  /** What the engine sends a default provider: the stack config, keys with their namespace. */
  configure(config: Props): Promise<void>;
  check(olds: Props, news: Props): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
  diff(id: string, olds: Props, news: Props): Promise<{ changes: number; replaces: string[] }>;
  create(properties: Props): Promise<{ id: string; properties: Props }>;
  read(id: string, properties: Props): Promise<{ id: string; properties: Props }>;
  update(id: string, olds: Props, news: Props): Promise<Props>;
  delete(id: string, properties: Props): Promise<void>;
  /** Everything the host wrote to stderr so far. */
  stderr(): string;
  close(): void;
}

export interface StartOptions {
  /** Working directory of the host (the CLI's choice: inside the project). */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly startTimeoutMs?: number;
}

const URN = "urn:pulumi:test::oxmig::pulumi-nodejs:dynamic/ox:User::portable";

/** The host's DIFF_NONE / DIFF_SOME values. */
export const DIFF = { none: provider.DiffResponse.DiffChanges.DIFF_NONE as number, some: provider.DiffResponse.DiffChanges.DIFF_SOME as number };

function waitForPort(child: ChildProcess, timeoutMs: number, errors: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`provider host printed no port in ${timeoutMs} ms; stderr: ${errors()}`)), timeoutMs);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^(\d+)\s*$/m.exec(out);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`provider host exited (${code}) before printing a port; stderr: ${errors()}`));
    });
  });
}

export async function startProviderHost(opts: StartOptions): Promise<ProviderHost> {
  const script = execFileSync(process.execPath, ["-e", "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))"], {
    cwd: opts.cwd,
    env: opts.env,
    encoding: "utf8",
  }).trim();
  // The engine address argument is only checked for presence; the host never dials it for these calls.
  const child = spawn(process.execPath, [script, "127.0.0.1:1"], { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  let port: number;
  try {
    port = await waitForPort(child, opts.startTimeoutMs ?? 30_000, () => stderr);
  } catch (err) {
    stop();
    throw err;
  }
  const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <T>(method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) => client[method](request, (err: Error | null, response: T) => (err ? reject(err) : resolve(response))));
  const struct = (props: Props) => Struct.fromJavaScript(props);

  return {
    pid: child.pid!,
    async configure(config) {
      const req = new provider.ConfigureRequest();
      req.setArgs(struct(config));
      await call("configure", req);
    },
    async check(olds, news) {
      const req = new provider.CheckRequest();
      req.setUrn(URN);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res: any = await call("check", req);
      return {
        inputs: res.getInputs().toJavaScript(),
        failures: res.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(id, olds, news) {
      const req = new provider.DiffRequest();
      req.setId(id);
      req.setUrn(URN);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res: any = await call("diff", req);
      return { changes: res.getChanges(), replaces: res.getReplacesList() };
    },
    async create(properties) {
      const req = new provider.CreateRequest();
      req.setUrn(URN);
      req.setProperties(struct(properties));
      const res: any = await call("create", req);
      return { id: res.getId(), properties: res.getProperties().toJavaScript() };
    },
    async read(id, properties) {
      const req = new provider.ReadRequest();
      req.setId(id);
      req.setUrn(URN);
      req.setProperties(struct(properties));
      const res: any = await call("read", req);
      return { id: res.getId(), properties: res.getProperties()?.toJavaScript() ?? {} };
    },
    async update(id, olds, news) {
      const req = new provider.UpdateRequest();
      req.setId(id);
      req.setUrn(URN);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res: any = await call("update", req);
      return res.getProperties().toJavaScript();
    },
    async delete(id, properties) {
      const req = new provider.DeleteRequest();
      req.setId(id);
      req.setUrn(URN);
      req.setProperties(struct(properties));
      await call("delete", req);
    },
    stderr: () => stderr,
    close() {
      client.close();
      stop();
    },
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */
