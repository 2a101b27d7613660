// The OX connection reaches the providers through the stack config (`configure`) or the environment,
// never through inputs: a rotated password is no diff, no input/output/state holds a password, read
// and delete use the config of the day, and state written while the connection was an input makes
// no diff either.

import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { load } from "js-yaml";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULTS, PROJECT } from "../../../infra/config";
import { configureConnection, DEFAULT_OX_ADMIN_USER, OX_CONFIG_KEYS, OX_ENV, resolveConnection } from "../../../infra/ox/connection";
import { oxContextProvider } from "../../../infra/ox/context-provider";
import { oxUserProvider } from "../../../infra/ox/user-provider";
import { startOxTestServer, type OxTestServer } from "../../support/ox-test-server";
import { CONTEXT_ADMIN, contextInputs, FAST_CALLS, stubCallPolicy, userInputs } from "./ox-fixtures";

type RawConfig = Record<string, string>;

/** The config object Pulumi's dynamic provider host hands `configure` (its own class, not a copy). */
function hostConfig(raw: RawConfig): pulumi.dynamic.Config {
  const { Config } = createRequire(require.resolve("@pulumi/pulumi"))("@pulumi/pulumi/cmd/dynamic-provider/config");
  return new Config(raw, "oxmig");
}

const stackConfigFor = (server: OxTestServer, overrides: RawConfig = {}): RawConfig => ({
  [OX_CONFIG_KEYS.endpoint]: server.url,
  [OX_CONFIG_KEYS.adminUser]: server.master.login,
  [OX_CONFIG_KEYS.adminPassword]: server.master.password,
  [OX_CONFIG_KEYS.contextAdminUser]: CONTEXT_ADMIN.login,
  [OX_CONFIG_KEYS.contextAdminPassword]: CONTEXT_ADMIN.password,
  ...overrides,
});

/** As the provider host does once per provider; both providers share one module, so one call configures both. */
const configure = (raw: RawConfig) => oxUserProvider.configure!({ config: hostConfig(raw) });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (err: Error) => err,
  );
const holdsSecret = (value: unknown, ...secrets: string[]) => secrets.some((s) => JSON.stringify(value).includes(s));

const MASTER_PASSWORD = "master-before-rotation-1";
let server: OxTestServer;
beforeAll(async () => {
  stubCallPolicy(FAST_CALLS);
  // This file tests the stack-config path: no OXMIG_OX_* from the shell may replace it.
  for (const name of Object.values(OX_ENV)) vi.stubEnv(name, undefined);
  server = await startOxTestServer({ master: { login: "oxadminmaster", password: MASTER_PASSWORD } });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

describe("resolveConnection", () => {
  const config = (raw: RawConfig) => configureConnection({ config: hostConfig(raw) });
  const base: RawConfig = { [OX_CONFIG_KEYS.endpoint]: "https://ox.example", [OX_CONFIG_KEYS.adminPassword]: "pw-config" };

  it("from the stack config: the admin user defaults like Pulumi.yaml, the context admin only as a pair", async () => {
    await config(base);
    expect(resolveConnection({})).toEqual({
      source: "stack config",
      connection: { endpoint: "https://ox.example", adminUser: DEFAULT_OX_ADMIN_USER, adminPassword: "pw-config" },
      problems: [],
    });
    expect(DEFAULT_OX_ADMIN_USER).toBe(DEFAULTS.oxAdminUser);
    await config({ ...base, [OX_CONFIG_KEYS.contextAdminUser]: "ctxadmin", [OX_CONFIG_KEYS.contextAdminPassword]: "pw-ctx" });
    expect(resolveConnection({}).connection).toMatchObject({ contextAdminUser: "ctxadmin", contextAdminPassword: "pw-ctx" });
    // Pulumi.yaml's default for both is "": not set.
    await config({ ...base, [OX_CONFIG_KEYS.contextAdminUser]: "", [OX_CONFIG_KEYS.contextAdminPassword]: "" });
    expect(resolveConnection({}).connection).not.toHaveProperty("contextAdminUser");
  });

  it("names each problem by its key and never echoes a value", async () => {
    await config({ [OX_CONFIG_KEYS.endpoint]: "http://ox.example", [OX_CONFIG_KEYS.contextAdminPassword]: "pw-half" });
    const { connection, problems } = resolveConnection({});
    expect(connection).toBeUndefined();
    expect(problems.map((p) => p.property)).toEqual([OX_CONFIG_KEYS.endpoint, OX_CONFIG_KEYS.adminPassword, OX_CONFIG_KEYS.contextAdminUser]);
    expect(problems[0]!.reason).toMatch(/plain http on ox.example/);
    expect(holdsSecret(problems, "pw-half")).toBe(false);
  });

  it("the environment replaces the stack config as a whole when OXMIG_OX_ENDPOINT is set; never mixed", async () => {
    await config({ ...base, [OX_CONFIG_KEYS.contextAdminUser]: "ctxadmin", [OX_CONFIG_KEYS.contextAdminPassword]: "pw-ctx" });
    const env = { [OX_ENV.endpoint]: "https://ox-env.example", [OX_ENV.adminPassword]: "pw-env" };
    expect(resolveConnection(env)).toEqual({
      source: "environment",
      connection: { endpoint: "https://ox-env.example", adminUser: DEFAULT_OX_ADMIN_USER, adminPassword: "pw-env" },
      problems: [],
    });
    // The config's password never goes to the environment's endpoint.
    expect(resolveConnection({ [OX_ENV.endpoint]: "https://ox-env.example" }).problems.map((p) => p.property)).toEqual([OX_ENV.adminPassword]);
    // Half an environment connection is refused, not completed from the config.
    const stray = resolveConnection({ [OX_ENV.adminPassword]: "pw-env" });
    expect(stray.problems[0]!.reason).toMatch(/OXMIG_OX_ADMIN_PASSWORD set but OXMIG_OX_ENDPOINT is not/);
  });

  it("without stack config and environment the error names both ways", async () => {
    await configureConnection({
      config: {
        get: () => {
          throw new TypeError("host without Configure");
        },
      },
    });
    expect(resolveConnection({}).problems[0]!.reason).toMatch(
      /no OX connection: the stack config this provider received has no oxmig:oxEndpoint, and OXMIG_OX_ENDPOINT is not set/,
    );
  });
});

describe("the OX keys in the project's files", () => {
  const ROOT = resolve(__dirname, "../../..");
  const yamlOf = (file: string) => load(readFileSync(join(ROOT, file), "utf8")) as { config?: Record<string, unknown> };

  it("every key the providers read is declared in Pulumi.yaml, the admin password as a secret", () => {
    const declared = yamlOf("Pulumi.yaml").config as Record<string, { secret?: boolean }>;
    for (const key of Object.values(OX_CONFIG_KEYS)) {
      expect(key.startsWith(`${PROJECT}:`), key).toBe(true);
      expect(Object.keys(declared), key).toContain(key.slice(PROJECT.length + 1));
    }
    expect(declared["oxAdminPassword"]?.secret).toBe(true);
  });

  it("no stack file holds an OX password other than encrypted (secure:)", () => {
    for (const file of readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f))) {
      const config = yamlOf(file).config ?? {};
      for (const key of [OX_CONFIG_KEYS.adminPassword, OX_CONFIG_KEYS.contextAdminPassword]) {
        if (key in config) expect(config[key], `${file} ${key}`).toHaveProperty("secure");
      }
    }
  });
});

describe("providers configured from the stack config", () => {
  let contextId: number;
  beforeAll(async () => {
    await configure(stackConfigFor(server));
    const { inputs } = await oxContextProvider.check!({}, contextInputs("ctx-rotate"));
    contextId = (await oxContextProvider.create(inputs)).outs.contextId;
  });
  // Each test starts before any rotation, configured from the stack config: other tests rotate the
  // passwords in OX and configure others (those of resolveConnection too), in any order.
  beforeEach(async () => {
    server.master.password = MASTER_PASSWORD;
    server.contexts.get(contextId)!.admin.password = CONTEXT_ADMIN.password;
    await configure(stackConfigFor(server));
  });

  const userIn = (local: string, displayName: string) => ({ ...userInputs(contextId, local, displayName), contextName: "ctx-rotate" });

  /** OX gets new passwords (master and this context's admin), as an operator rotates them. */
  function rotateInOx(suffix: string) {
    server.master.password = `master-${suffix}`;
    server.contexts.get(contextId)!.admin.password = `ctx-admin-${suffix}`;
    return stackConfigFor(server, { [OX_CONFIG_KEYS.contextAdminPassword]: `ctx-admin-${suffix}` });
  }

  it("no input, output or read-back state holds a password or a connection", async () => {
    const { inputs, failures } = await oxUserProvider.check!({}, userIn("no.secret", "No Secret"));
    expect(failures).toEqual([]);
    const { id, outs } = await oxUserProvider.create(inputs);
    const { props } = await oxUserProvider.read!(id, outs);
    const { outs: updated } = await oxUserProvider.update!(id, props as never, { ...inputs, displayName: "No Secret Two" });
    for (const [what, value] of Object.entries({ inputs, outs, props, updated })) {
      expect(value, what).not.toHaveProperty("connection");
      expect(holdsSecret(value, server.master.password, CONTEXT_ADMIN.password), what).toBe(false);
    }
  });

  it("a rotated password is no diff: check gives the same inputs, diff no change, and the next update authenticates anew", async () => {
    const { inputs } = await oxUserProvider.check!({}, userIn("rotated.pw", "Rotated Pw"));
    const { id, outs } = await oxUserProvider.create(inputs);
    await configure(rotateInOx("after-rotation-2"));
    const again = await oxUserProvider.check!(inputs, userIn("rotated.pw", "Rotated Pw"));
    expect(again).toEqual({ inputs, failures: [] });
    expect(await oxUserProvider.diff!(id, outs, again.inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    await oxUserProvider.update!(id, outs, { ...inputs, displayName: "Rotated Pw Two" });
    expect(server.contexts.get(contextId)!.users.get(outs.userId)?.display_name).toBe("Rotated Pw Two");
  });

  it("read and delete use the config of the day, not the one in force at create", async () => {
    const { inputs } = await oxUserProvider.check!({}, userIn("read.later", "Read Later"));
    const { id, outs } = await oxUserProvider.create(inputs);
    const rotated = rotateInOx("after-rotation-3");
    // Still configured with the old passwords: OX refuses them (the test can fail).
    expect((await failure(oxUserProvider.read!(id, outs))).message).toMatch(/Authentication failed/);
    await configure(rotated);
    const { props } = await oxUserProvider.read!(id, outs);
    expect(props).toEqual(outs);
    await oxUserProvider.delete!(id, props as never);
    expect(server.contexts.get(contextId)!.users.has(outs.userId)).toBe(false);
  });

  it("state written while the connection was an input: no diff, no replacement, and it leaves with the next read", async () => {
    const { inputs } = await oxUserProvider.check!({}, userIn("legacy.state", "Legacy State"));
    const { id, outs } = await oxUserProvider.create(inputs);
    const legacyConnection = {
      endpoint: server.url,
      adminUser: "oxadminmaster",
      adminPassword: "legacy-old-password",
      contextAdminUser: "oxadmin",
      contextAdminPassword: "legacy-old-ctx",
    };
    const oldInputs = { ...inputs, connection: legacyConnection };
    const oldState = { ...outs, connection: legacyConnection };
    // The program no longer sends a connection; olds still hold one.
    const checked = await oxUserProvider.check!(oldInputs, userIn("legacy.state", "Legacy State"));
    expect(checked).toEqual({ inputs, failures: [] });
    expect(await oxUserProvider.diff!(id, oldState, checked.inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    // Even a program that still sent one (an old checkout) gets it dropped, not diffed.
    const sent = await oxUserProvider.check!(oldInputs, oldInputs);
    expect(sent.inputs).not.toHaveProperty("connection");
    const { props } = await oxUserProvider.read!(id, oldState);
    expect(props).toEqual(outs);
    const { outs: updated } = await oxUserProvider.update!(id, oldState, { ...inputs, displayName: "Legacy State Two" });
    expect(updated).not.toHaveProperty("connection");
    // The stored (wrong) password is not what delete uses.
    await oxUserProvider.delete!(id, { ...updated, connection: legacyConnection } as never);
    expect(server.contexts.get(contextId)!.users.has(outs.userId)).toBe(false);
  });

  it("the context provider too: a rotated password or a stored connection is no diff; read and delete use the current config", async () => {
    const { inputs } = await oxContextProvider.check!({}, contextInputs("ctx-legacy"));
    const { id, outs } = await oxContextProvider.create(inputs);
    await configure(rotateInOx("after-rotation-4"));
    const oldState = { ...outs, connection: { endpoint: server.url, adminUser: "oxadminmaster", adminPassword: "legacy-old-password" } };
    const checked = await oxContextProvider.check!(oldState, contextInputs("ctx-legacy", outs.contextId));
    expect(checked.inputs).not.toHaveProperty("connection");
    expect(await oxContextProvider.diff!(id, oldState, checked.inputs)).toMatchObject({ changes: false, replaces: [] });
    const { props } = await oxContextProvider.read!(id, oldState);
    expect(props).not.toHaveProperty("connection");
    expect(holdsSecret(props, "legacy-old-password", server.master.password)).toBe(false);
    await oxContextProvider.delete!(id, oldState);
    expect(server.contexts.has(outs.contextId)).toBe(false);
  });

  it("check stops a preview before any OX call when the stack config lacks the password", async () => {
    const before = server.requests.length;
    await configure(stackConfigFor(server, { [OX_CONFIG_KEYS.adminPassword]: "" }));
    const { failures } = await oxUserProvider.check!({}, userIn("no.password", "No Password"));
    expect(failures).toEqual([{ property: OX_CONFIG_KEYS.adminPassword, reason: "oxmig:oxAdminPassword is not set" }]);
    expect(server.requests.length).toBe(before);
    await configure(stackConfigFor(server));
  });
});
