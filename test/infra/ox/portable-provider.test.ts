// A provider as Pulumi writes it into the state must work from another checkout path (a CI runner, a
// colleague's machine). The providers are serialised as the SDK's dynamic Resource does
// (@pulumi/pulumi/dynamic/index.js: serializeFunction(() => provider, { allowSecrets: true })), the
// project is copied to another folder, and Pulumi's own dynamic provider host runs them there,
// configured with the stack config over gRPC as the engine does, against the OX test server.
// A guard preloaded into the host refuses to load any module from this checkout.

import { cpSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OX_CONFIG_KEYS } from "../../../infra/ox/connection";
import { oxContextProvider } from "../../../infra/ox/context-provider";
import { oxUserProvider } from "../../../infra/ox/user-provider";
import { startOxTestServer, type OxTestServer } from "../../support/ox-test-server";
import { CONTEXT_ADMIN, contextInputs, FAST_CALLS, userInputs } from "./ox-fixtures";
import { DIFF, startProviderHost, type ProviderHost } from "./provider-host";

const CHECKOUT = realpathSync(resolve(__dirname, "../../.."));
/** How the engine marks a secret value on the wire (sdk: runtime/rpc specialSigKey / specialSecretSig). */
const secret = (value: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

/**
 * Preloaded into the host: refuses every module that resolves into this checkout (the copy must be
 * self-sufficient) and logs the TypeScript modules it loads.
 */
const GUARD = `
const Module = require("node:module");
const { appendFileSync } = require("node:fs");
const forbidden = process.env.OXMIG_TEST_FORBIDDEN_ROOT;
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const found = resolveFilename.call(this, request, ...rest);
  if (typeof found === "string" && found.startsWith(forbidden)) throw new Error("loaded from the original checkout: " + found);
  if (typeof found === "string" && found.endsWith(".ts")) appendFileSync(process.env.OXMIG_TEST_LOADED_LOG, found + "\\n");
  return found;
};
`;

let server: OxTestServer;
let work: string;
let copy: string;
let texts: { context: string; user: string };
const hosts: ProviderHost[] = [];

/** What Pulumi's dynamic Resource stores in `__provider`. */
async function serialised(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  const result = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  expect(result.containsSecrets).toBe(false);
  return result.text;
}

/** A copy of what the providers need: their code, the project files, and node_modules by symlink (dependencies are not the checkout). */
function copyProject(to: string): void {
  for (const dir of ["infra", "core"]) cpSync(join(CHECKOUT, dir), join(to, dir), { recursive: true });
  for (const file of ["package.json", "tsconfig.json", "Pulumi.yaml"]) copyFileSync(join(CHECKOUT, file), join(to, file));
  symlinkSync(join(CHECKOUT, "node_modules"), join(to, "node_modules"), "dir");
}

function hostEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // A fresh environment: nothing of this test process (no OXMIG_OX_*, no test runner's loader flags).
  // --preserve-symlinks keeps node_modules paths inside the copy, so the guard sees every path as the copy's.
  return {
    PATH: process.env.PATH,
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    NODE_OPTIONS: `--preserve-symlinks --preserve-symlinks-main --require ${join(work, "guard.cjs")}`,
    OXMIG_TEST_FORBIDDEN_ROOT: CHECKOUT + sep,
    OXMIG_TEST_LOADED_LOG: join(work, "loaded.txt"),
    ...FAST_CALLS,
    ...extra,
  };
}

async function host(cwd: string, extra?: NodeJS.ProcessEnv): Promise<ProviderHost> {
  const started = await startProviderHost({ cwd, env: hostEnv(extra) });
  hosts.push(started);
  await started.configure({
    [OX_CONFIG_KEYS.endpoint]: server.url,
    [OX_CONFIG_KEYS.adminUser]: server.master.login,
    [OX_CONFIG_KEYS.adminPassword]: secret(server.master.password),
    [OX_CONFIG_KEYS.contextAdminUser]: CONTEXT_ADMIN.login,
    [OX_CONFIG_KEYS.contextAdminPassword]: secret(CONTEXT_ADMIN.password),
  });
  return started;
}

beforeAll(async () => {
  server = await startOxTestServer();
  work = mkdtempSync(join(tmpdir(), "oxmig-portable-"));
  copy = join(work, "elsewhere", "checkout");
  mkdirSync(copy, { recursive: true });
  copyProject(copy);
  writeFileSync(join(work, "guard.cjs"), GUARD);
  // The state: written, then read back from the file, as a later run would.
  writeFileSync(join(work, "state-context.txt"), await serialised(oxContextProvider));
  writeFileSync(join(work, "state-user.txt"), await serialised(oxUserProvider));
  texts = { context: readFileSync(join(work, "state-context.txt"), "utf8"), user: readFileSync(join(work, "state-user.txt"), "utf8") };
});
afterAll(async () => {
  for (const h of hosts.splice(0)) h.close();
  await server.close();
  if (work) {
    unlinkSync(join(copy, "node_modules"));
    rmSync(work, { recursive: true, force: true });
  }
});

describe("the serialised OX providers", () => {
  it("carry no path of this checkout, no node_modules path and no test-runner import", () => {
    for (const text of Object.values(texts)) {
      expect(text).not.toContain(CHECKOUT);
      expect(text).not.toContain("node_modules");
      expect(text).not.toContain("__vite_ssr");
      expect(text).toContain("infra/ox/");
    }
  });

  it("run in Pulumi's provider host from a copy in another folder (cwd: its infra/, as for main: infra/index.ts): check, create, read, diff, update, delete", async () => {
    const h = await host(join(copy, "infra"));
    const ctx = await h.check({}, { ...contextInputs("ctx-portable"), __provider: texts.context });
    expect(ctx.failures).toEqual([]);
    const context = await h.create(ctx.inputs);
    const contextId = context.properties.contextId as number;
    expect(server.contexts.get(contextId)?.name).toBe("ctx-portable");

    const raw = { ...userInputs(contextId, "far.away", "Far Away"), contextName: "ctx-portable", __provider: texts.user };
    const { inputs, failures } = await h.check({}, raw);
    expect(failures).toEqual([]);
    const created = await h.create(inputs);
    expect(server.contexts.get(contextId)!.users.get(created.properties.userId as number)?.name).toBe("far.away");
    const read = await h.read(created.id, created.properties);
    expect(read.id).toBe(created.id);
    expect((await h.diff(created.id, read.properties, inputs)).changes).toBe(DIFF.none);
    const news = { ...inputs, displayName: "Far Away Now" };
    expect(await h.diff(created.id, read.properties, news)).toEqual({ changes: DIFF.some, replaces: [] });
    await h.update(created.id, read.properties, news);
    expect(server.contexts.get(contextId)!.users.get(created.properties.userId as number)?.display_name).toBe("Far Away Now");
    for (const props of [created.properties, read.properties]) {
      expect(JSON.stringify(props).includes(server.master.password) || JSON.stringify(props).includes(CONTEXT_ADMIN.password)).toBe(false);
    }

    await h.delete(created.id, read.properties);
    expect(server.contexts.get(contextId)!.users.has(created.properties.userId as number)).toBe(false);
    await h.delete(context.id, context.properties);
    expect(server.contexts.has(contextId)).toBe(false);
    // The code that ran is the copy's.
    const loaded = readFileSync(join(work, "loaded.txt"), "utf8").split("\n").filter(Boolean);
    expect(loaded).toContain(join(copy, "infra/ox/user-ops.ts"));
    expect(loaded).toContain(join(copy, "infra/ox/context-ops.ts"));
    expect(loaded.every((file) => file.startsWith(copy + sep))).toBe(true);
  });

  it("run from the copy's root as well", async () => {
    const h = await host(copy);
    const { inputs } = await h.check({}, { ...contextInputs("ctx-root"), __provider: texts.context });
    const context = await h.create(inputs);
    expect((await h.read(context.id, context.properties)).id).toBe(context.id);
    await h.delete(context.id, context.properties);
    expect(server.contexts.has(context.properties.contextId as number)).toBe(false);
  });

  it("the guard is real: a provider made to load this checkout fails in the host", async () => {
    const h = await host(copy, { OXMIG_PROJECT_ROOT: CHECKOUT });
    await expect(h.check({}, { ...contextInputs("ctx-guard"), __provider: texts.context })).rejects.toThrow(/loaded from the original checkout/);
  });
});
