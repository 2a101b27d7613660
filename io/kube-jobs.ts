// Reads Job objects through the Kubernetes API with the user's kubeconfig, by the maintained client
// (@kubernetes/client-node 1.4.0, the last line that runs on Node 20: 2.x needs Node 22). The client
// reads the kubeconfig as kubectl does (KUBECONFIG, else ~/.kube/config; certificates, tokens, exec
// plugins). Only GET of batch/v1 Jobs: `oxmig status` never changes the cluster.
import { ApiException, BatchV1Api, KubeConfig } from "@kubernetes/client-node";
import { InputError, UsageError } from "@oxmig/core/errors";

/** Reads one Job; undefined when the cluster has none of that name (HTTP 404). */
export interface JobReader {
  /** The API server the reader talks to, for messages. */
  readonly server: string;
  readJob(namespace: string, name: string): Promise<unknown>;
}

export interface KubeOptions {
  /** A kubeconfig file; default: KUBECONFIG, else ~/.kube/config. */
  readonly kubeconfig?: string;
  /** A context of that kubeconfig; default: its current-context. */
  readonly context?: string;
}

/** Why a read failed, without tokens or headers (the client's own message repeats both). */
export class KubeApiError extends Error {}

const TIMEOUT_MS = 30_000;

/** A YAML error's reason and line, never its excerpt of the file (which could be a token's line). */
function loadProblem(err: unknown): string {
  const e = err as { reason?: unknown; mark?: { line?: unknown }; message?: unknown };
  if (typeof e.reason === "string" && typeof e.mark?.line === "number") return `${e.reason} (line ${e.mark.line + 1})`;
  return String(e.message ?? err);
}

function loadConfig(options: KubeOptions): KubeConfig {
  const kc = new KubeConfig();
  const file = options.kubeconfig ?? process.env.KUBECONFIG ?? "~/.kube/config";
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new InputError(file, undefined, `cannot read the kubeconfig: ${loadProblem(err)}`);
  }
  if (options.context) {
    if (!kc.getContexts().some((c) => c.name === options.context))
      throw new InputError(
        file,
        undefined,
        `has no context "${options.context}" (contexts: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(", ") || "none"
        })`,
      );
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster())
    throw new UsageError(`no Kubernetes cluster to ask: ${file} names no current context with a cluster; pass --kubeconfig or --context`);
  return kc;
}

export function kubeJobReader(options: KubeOptions = {}): JobReader {
  const kc = loadConfig(options);
  const api = kc.makeApiClient(BatchV1Api);
  const server = kc.getCurrentCluster()!.server;
  return {
    server,
    async readJob(namespace, name) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new KubeApiError(`no answer from ${server} within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
      });
      try {
        return await Promise.race([api.readNamespacedJob({ name, namespace }), timeout]);
      } catch (err) {
        if (err instanceof ApiException && err.code === 404) return undefined;
        if (err instanceof ApiException) {
          const reason = (err.body as { message?: unknown } | undefined)?.message;
          throw new KubeApiError(`${server} answered HTTP ${err.code} for Job ${namespace}/${name}${typeof reason === "string" ? `: ${reason}` : ""}`);
        }
        if (err instanceof KubeApiError) throw err;
        throw new KubeApiError(`cannot reach ${server} for Job ${namespace}/${name}: ${(err as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
