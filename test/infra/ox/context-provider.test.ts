// The context provider's methods called directly against the contract-faithful OX stand-in.

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { oxContextProvider as provider } from "../../../infra/ox/context-provider";
import { startOxTestServer, type OxTestServer } from "../../support/ox-test-server";
import { CONTEXT_ADMIN, connectionTo, contextInputs, FAST_CALLS, HANG_MS, SHORT_TIMEOUT, stubCallPolicy, useConnection, withConnection } from "./ox-fixtures";

let server: OxTestServer;
let autoServer: OxTestServer;
beforeAll(async () => {
  stubCallPolicy(FAST_CALLS);
  server = await startOxTestServer();
  autoServer = await startOxTestServer({ autoContextId: true });
  useConnection(connectionTo(server));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([server.close(), autoServer.close()]);
});

async function checked(raw: Record<string, unknown>) {
  const { inputs, failures } = await provider.check!({}, raw);
  expect(failures).toEqual([]);
  return inputs;
}

describe("OX context provider: create", () => {
  it("creates the context with the plan's id and its admin as the connection's context admin", async () => {
    const { id, outs } = await provider.create(await checked(contextInputs("ctx-fixed", 4711)));
    expect(id).toBe("4711");
    expect(outs.contextId).toBe(4711);
    const stored = server.contexts.get(4711)!;
    expect(stored).toMatchObject({ name: "ctx-fixed", maxQuota: 10240 });
    // OX adds the context's name and id to the login mappings.
    expect([...stored.loginMappings].sort()).toEqual(["4711", "ctx-fixed", "ctx-fixed.example"]);
    expect(stored.admin).toEqual(CONTEXT_ADMIN);
    expect(stored.users.get(2)).toMatchObject({ name: "oxadmin", primaryEmail: "oxadmin@ctx-fixed.example" });
  });

  it("OX without autocontextid refuses a context without id", async () => {
    await expect(provider.create(await checked(contextInputs("ctx-noid", null)))).rejects.toThrow(/Mandatory fields in context not set: id/);
  });

  it("with autocontextid and no plan id, OX's id is taken", async () => {
    const { outs } = await withConnection(connectionTo(autoServer), connectionTo(server), async () =>
      provider.create(await checked(contextInputs("ctx-assigned", null))),
    );
    expect(autoServer.contexts.get(outs.contextId)?.name).toBe("ctx-assigned");
  });

  it("with autocontextid overwriting the plan's id, create fails naming both ids instead of recording OX's", async () => {
    const error = await withConnection(connectionTo(autoServer), connectionTo(server), async () => {
      await provider.create(await checked(contextInputs("ctx-first", null)));
      return provider.create(await checked(contextInputs("ctx-planned", 9000))).then(
        () => undefined,
        (err: Error) => err,
      );
    });
    const assigned = [...autoServer.contexts.values()].find((c) => c.name === "ctx-planned")!.id;
    expect(assigned).not.toBe(9000);
    expect(error?.message).toContain(`OX created context "ctx-planned" with id ${assigned}, but the plan says 9000`);
    expect(error?.message).toMatch(/autocontextid/);
  });

  it("OX refuses a second context with the same name or a login mapping already taken (faults without detail)", async () => {
    await provider.create(await checked(contextInputs("ctx-taken")));
    await expect(provider.create(await checked(contextInputs("ctx-taken")))).rejects.toThrow(/Context ctx-taken already exists/);
    const stealing = { ...contextInputs("ctx-thief"), loginMappings: ["ctx-taken.example"] };
    await expect(provider.create(await checked(stealing))).rejects.toThrow(/A mapping with login info ctx-taken.example already exists/);
  });

  it("OX refuses a wrong master password", async () => {
    const inputs = await checked(contextInputs("ctx-pw"));
    const error = await withConnection(connectionTo(server, "not-it"), connectionTo(server), () =>
      provider.create(inputs).then(
        () => undefined,
        (err: Error) => err,
      ),
    );
    expect(error?.message).toMatch(/OXContextService.create: Authentication failed/);
    expect(error?.message).not.toContain("not-it");
  });
});

describe("OX context provider: create after a timeout", () => {
  beforeAll(() => stubCallPolicy(SHORT_TIMEOUT));
  afterAll(() => stubCallPolicy({ OXMIG_OX_TIMEOUT_MS: FAST_CALLS.OXMIG_OX_TIMEOUT_MS }));

  it("OX committed the first try: the context under the plan's id with the plan's name is adopted", async () => {
    const inputs = await checked(contextInputs("ctx-slow", 6100));
    server.script.push({ kind: "hang", ms: HANG_MS, commit: true });
    const { id, outs } = await provider.create(inputs);
    expect(id).toBe("6100");
    expect([...server.contexts.values()].filter((c) => c.name === "ctx-slow")).toHaveLength(1);
    const { props } = await provider.read!(id, outs);
    expect(await provider.diff!(id, props as never, inputs)).toMatchObject({ changes: false });
  });

  it("the plan's id is held by another context: not adopted, both names given", async () => {
    await provider.create(await checked(contextInputs("ctx-holder", 6200)));
    const error = await provider.create(await checked(contextInputs("ctx-newcomer", 6200))).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error?.message).toContain('context id 6200 is held by context "ctx-holder" in OX, the plan\'s is "ctx-newcomer": not adopted');
    expect(server.contexts.get(6200)?.name).toBe("ctx-holder");
  });
});

describe("OX context provider: check", () => {
  it("names maxQuotaMb when it is not a positive number", async () => {
    const { failures } = await provider.check!({}, { ...contextInputs("ctx-bad"), maxQuotaMb: -1 });
    expect(failures!.map((f) => f.property)).toEqual(["maxQuotaMb"]);
  });

  it("without a domain among the login mappings the admin address falls back to <name>.invalid", async () => {
    const { inputs } = await provider.check!({}, { ...contextInputs("ctx-plain"), loginMappings: ["ctx-plain", "org-plain"] });
    expect(inputs.adminEmail).toBe("oxadmin@ctx-plain.invalid");
    const { outs } = await provider.create(inputs);
    expect(server.contexts.get(outs.contextId)!.users.get(2)?.primaryEmail).toBe("oxadmin@ctx-plain.invalid");
  });

  it("names a plain-http endpoint that is not loopback, and half a context admin", async () => {
    const connection = { ...connectionTo(server), endpoint: "http://ox.example", contextAdminPassword: undefined };
    const { failures } = await withConnection(connection, connectionTo(server), () => provider.check!({}, contextInputs("ctx-http")));
    expect(failures!.map((f) => f.property)).toEqual(["OXMIG_OX_ENDPOINT", "OXMIG_OX_CONTEXT_ADMIN_USER"]);
    expect(failures![0]!.reason).toMatch(/plain http on ox.example.*use https/);
  });
});

describe("OX context provider: diff, read, update, delete", () => {
  it("read-back right after create shows no diff (OX-added mappings, hash order ignored)", async () => {
    const inputs = await checked({ ...contextInputs("ctx-read"), loginMappings: ["a.ctx-read.example", "b.ctx-read.example", "c.ctx-read.example"] });
    const { id, outs } = await provider.create(inputs);
    const { props } = await provider.read!(id, outs);
    expect(props.loginMappings).toEqual(inputs.loginMappings);
    expect(await provider.diff!(id, props as never, inputs)).toMatchObject({ changes: false, replaces: [] });
    // Even a state holding OX's raw list (name and id added, another order) is no diff.
    const raw = { ...outs, loginMappings: [...server.contexts.get(outs.contextId)!.loginMappings].reverse() };
    expect(await provider.diff!(id, raw, inputs)).toMatchObject({ changes: false });
  });

  it("name change → replace, quota change → update; update (void answer) and read go through OX; delete removes it", async () => {
    const inputs = await checked(contextInputs("ctx-life"));
    const { id, outs } = await provider.create(inputs);
    expect(await provider.diff!(id, outs, { ...inputs, name: "ctx-life2" })).toMatchObject({ changes: true, replaces: ["name"] });
    expect(await provider.diff!(id, outs, { ...inputs, contextId: 1 })).toMatchObject({ changes: true, replaces: ["contextId"] });
    const news = { ...inputs, maxQuotaMb: 20480, loginMappings: ["ctx-life.example", "life.example"] };
    expect(await provider.diff!(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const { outs: updated } = await provider.update!(id, outs, news);
    const { props } = await provider.read!(id, updated);
    expect(props).toMatchObject({ contextId: outs.contextId, maxQuotaMb: 20480, loginMappings: ["ctx-life.example", "life.example"] });
    expect(await provider.diff!(id, props as never, news)).toMatchObject({ changes: false });
    await provider.delete!(id, props);
    expect(server.contexts.has(outs.contextId)).toBe(false);
    expect(await provider.read!(id, props)).toEqual({ id: "", props: {} });
  });

  it("a context removed in OX behind our back reads as gone and deletes without error", async () => {
    const { id, outs } = await provider.create(await checked(contextInputs("ctx-vanish")));
    server.contexts.delete(outs.contextId);
    expect(await provider.read!(id, outs)).toEqual({ id: "", props: {} });
    await expect(provider.delete!(id, outs)).resolves.toBeUndefined();
  });
});
