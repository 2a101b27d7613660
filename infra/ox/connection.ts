// Where the OX providers get their connection: at operation time, from the stack config Pulumi hands
// the dynamic provider's `configure`, or from the environment. Never from resource inputs: a
// connection in the inputs sat in the state of every OX user (≈ 40,000 copies of the password), a
// rotated password diffed them all, and refresh and delete went on using the stored old one.
//
// Pulumi's dynamic provider host (@pulumi/pulumi 3.248, cmd/dynamic-provider/index.js) keeps the
// `args` of the engine's Configure call (secrets unwrapped) and calls `configure({ config })` once per
// deserialised provider, before its first check/diff/create/read/update/delete; `config.get(key)`
// reads "<project>:<key>" (cmd/dynamic-provider/config.js). That the engine sends the whole stack
// config, namespaces kept and secrets included, is what Pulumi's own integration test
// TestNodejsDynamicProviderConfig (tests/integration/dynamic/nodejs-config) shows; it was read, not
// run: the Pulumi CLI cannot be installed here. The mock runtime (gate, program tests) calls no
// provider method, and neither does anything call `configure` in-process: there the environment is
// the source.

import type { RuleFailure } from "./rules";
import { endpointProblem, type OxConnection } from "./soap-client";

/** Stack config keys (project `oxmig`), read fully qualified so they do not depend on the host knowing the project. */
export const OX_CONFIG_KEYS = {
  endpoint: "oxmig:oxEndpoint",
  adminUser: "oxmig:oxAdminUser",
  adminPassword: "oxmig:oxAdminPassword",
  contextAdminUser: "oxmig:oxContextAdminUser",
  contextAdminPassword: "oxmig:oxContextAdminPassword",
} as const;

/** Environment variables that replace the stack config as a whole when OXMIG_OX_ENDPOINT is set. */
export const OX_ENV = {
  endpoint: "OXMIG_OX_ENDPOINT",
  adminUser: "OXMIG_OX_ADMIN_USER",
  adminPassword: "OXMIG_OX_ADMIN_PASSWORD",
  contextAdminUser: "OXMIG_OX_CONTEXT_ADMIN_USER",
  contextAdminPassword: "OXMIG_OX_CONTEXT_ADMIN_PASSWORD",
} as const;

/** Master admin login when none is configured (Pulumi.yaml's default for oxAdminUser). */
export const DEFAULT_OX_ADMIN_USER = "oxadminmaster";

type Field = keyof typeof OX_CONFIG_KEYS;

/** The part of `pulumi.dynamic.Config` used here. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/**
 * The stack config the provider host handed `configure`. Held in this module, loaded at call time
 * in the host, never in a closure Pulumi serialises: the password must not end up in `__provider`.
 */
let stackConfig: ConfigSource | undefined;

/** The providers' `configure`: keeps the config object; values are read at each operation, so nothing is copied. */
export async function configureConnection(req: { readonly config: ConfigSource }): Promise<void> {
  stackConfig = req.config;
}

export interface ResolvedConnection {
  /** Where the values came from, for errors. */
  readonly source: "environment" | "stack config" | "none";
  /** Set when there are no problems. */
  readonly connection?: OxConnection;
  /** Each names the config key or variable at fault; no value is ever echoed. */
  readonly problems: readonly RuleFailure[];
}

const present = (value: unknown): value is string => typeof value === "string" && value !== "";

function fromSource(source: "environment" | "stack config", read: (field: Field) => string | undefined, name: (field: Field) => string): ResolvedConnection {
  const problems: RuleFailure[] = [];
  const endpoint = read("endpoint");
  const adminPassword = read("adminPassword");
  if (!present(endpoint)) problems.push({ property: name("endpoint"), reason: `${name("endpoint")} is not set` });
  else {
    const problem = endpointProblem(endpoint);
    if (problem) problems.push({ property: name("endpoint"), reason: `${name("endpoint")} ${problem}` });
  }
  if (!present(adminPassword)) problems.push({ property: name("adminPassword"), reason: `${name("adminPassword")} is not set` });
  const contextAdminUser = read("contextAdminUser");
  const contextAdminPassword = read("contextAdminPassword");
  if (present(contextAdminUser) !== present(contextAdminPassword)) {
    problems.push({
      property: name("contextAdminUser"),
      reason: `${name("contextAdminUser")} and ${name("contextAdminPassword")} go together: set both (user calls as the context admin) or neither (as master admin, which OX allows only with MASTER_ACCOUNT_OVERRIDE=true)`,
    });
  }
  if (problems.length) return { source, problems };
  const connection: OxConnection = {
    endpoint: endpoint!,
    adminUser: read("adminUser") || DEFAULT_OX_ADMIN_USER,
    adminPassword: adminPassword!,
    ...(present(contextAdminUser) && present(contextAdminPassword) ? { contextAdminUser, contextAdminPassword } : {}),
  };
  return { source, connection, problems };
}

/** Reads a stack config value; a host without a Configure call holds no config object to read. */
function configValue(config: ConfigSource, key: string): string | undefined {
  try {
    const value = config.get(key);
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The connection for the next OX call: the environment when OXMIG_OX_ENDPOINT is set (all of it,
 * never mixed with the stack config, so a password never goes to an endpoint from another source),
 * else the stack config from `configure`.
 */
export function resolveConnection(env: NodeJS.ProcessEnv = process.env): ResolvedConnection {
  if (present(env[OX_ENV.endpoint]))
    return fromSource(
      "environment",
      (f) => env[OX_ENV[f]],
      (f) => OX_ENV[f],
    );
  const stray = (Object.keys(OX_ENV) as Field[]).filter((f) => present(env[OX_ENV[f]]));
  if (stray.length) {
    const names = stray.map((f) => OX_ENV[f]).join(", ");
    return {
      source: "environment",
      problems: [
        { property: OX_ENV.endpoint, reason: `${names} set but ${OX_ENV.endpoint} is not: the environment gives the whole OX connection or none of it` },
      ],
    };
  }
  const config = stackConfig;
  if (config && present(configValue(config, OX_CONFIG_KEYS.endpoint))) {
    return fromSource(
      "stack config",
      (f) => configValue(config, OX_CONFIG_KEYS[f]),
      (f) => OX_CONFIG_KEYS[f],
    );
  }
  const why = config
    ? `the stack config this provider received has no ${OX_CONFIG_KEYS.endpoint}`
    : "no stack config reached this provider (Pulumi hands it to a dynamic provider's configure; nothing does in-process)";
  return {
    source: "none",
    problems: [{ property: OX_CONFIG_KEYS.endpoint, reason: `no OX connection: ${why}, and ${OX_ENV.endpoint} is not set` }],
  };
}

/** The connection, or an error naming every problem (never a value). */
export function currentConnection(env: NodeJS.ProcessEnv = process.env): OxConnection {
  const resolved = resolveConnection(env);
  if (resolved.connection) return resolved.connection;
  const from = resolved.source === "none" ? "" : ` from the ${resolved.source}`;
  throw new Error(`OX connection${from}: ${resolved.problems.map((p) => p.reason).join("; ")}`);
}

/** Failures for a provider's `check`, so a preview stops before any OX call. */
export function connectionFailures(env: NodeJS.ProcessEnv = process.env): RuleFailure[] {
  return [...resolveConnection(env).problems];
}

/**
 * Inputs and state without `connection`: state written before the connection left the inputs still
 * carries one (with the password of that day). It is dropped wherever such state comes in, so it
 * makes no diff and goes out of the state with the next read or update.
 */
export function withoutConnection<T extends object>(props: T): Omit<T, "connection"> {
  if (!("connection" in props)) return props;
  const { connection: _legacy, ...rest } = props as T & { connection?: unknown };
  return rest;
}
