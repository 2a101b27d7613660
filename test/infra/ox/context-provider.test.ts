// The context provider's methods called directly against the local OX stand-in.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oxContextProvider as provider } from "../../../infra/ox/context-provider";
import { startOxTestServer, type OxTestServer } from "../../support/ox-test-server";
import { connectionTo, contextInputs } from "./ox-fixtures";

let server: OxTestServer;
beforeAll(async () => {
  server = await startOxTestServer();
});
afterAll(() => server.close());

async function checked(raw: Record<string, unknown>) {
  const { inputs, failures } = await provider.check!({}, raw);
  expect(failures).toEqual([]);
  return inputs;
}

describe("OX context provider", () => {
  it("creates a context with a server-assigned id and its admin at the first mail domain", async () => {
    const inputs = await checked(contextInputs(server, "ctx-assigned"));
    const { id, outs } = await provider.create(inputs);
    const stored = server.contexts.get(outs.contextId)!;
    expect(id).toBe(String(outs.contextId));
    expect(stored).toMatchObject({ name: "ctx-assigned", maxQuota: 10240, loginMappings: ["ctx-assigned.example"] });
    expect(stored.users.get(2)).toMatchObject({ name: "oxadmin", primaryEmail: "oxadmin@ctx-assigned.example" });
  });

  it("creates a context with the fixed id it was given", async () => {
    const { outs } = await provider.create(await checked({ ...contextInputs(server, "ctx-fixed"), contextId: 4711 }));
    expect(outs.contextId).toBe(4711);
    expect(server.contexts.get(4711)?.name).toBe("ctx-fixed");
  });

  it("server refuses a second context with the same name or a login mapping already taken", async () => {
    await provider.create(await checked(contextInputs(server, "ctx-taken")));
    await expect(provider.create(await checked(contextInputs(server, "ctx-taken")))).rejects.toThrow(/ContextExistsException: .*context "ctx-taken" already exists/);
    const stealing = { ...contextInputs(server, "ctx-thief"), loginMappings: ["ctx-taken.example"] };
    await expect(provider.create(await checked(stealing))).rejects.toThrow(/login mapping "ctx-taken.example" is already used/);
  });

  it("server refuses a wrong master password", async () => {
    const raw = { ...contextInputs(server, "ctx-pw"), connection: connectionTo(server, "not-it") };
    await expect(provider.create(await checked(raw))).rejects.toThrow(/InvalidCredentialsException/);
  });

  it("check names maxQuotaMb when it is not a positive number", async () => {
    const { failures } = await provider.check!({}, { ...contextInputs(server, "ctx-bad"), maxQuotaMb: -1 });
    expect(failures!.map((f) => f.property)).toEqual(["maxQuotaMb"]);
  });

  it("without a domain among the login mappings the admin address falls back to <name>.invalid", async () => {
    const { inputs } = await provider.check!({}, { ...contextInputs(server, "ctx-plain"), loginMappings: ["ctx-plain", "org-plain"] });
    expect(inputs.adminEmail).toBe("oxadmin@ctx-plain.invalid");
    const { outs } = await provider.create(inputs);
    expect(server.contexts.get(outs.contextId)!.users.get(2)?.primaryEmail).toBe("oxadmin@ctx-plain.invalid");
  });

  it("name change → replace, quota change → update; update and read go through OX; delete removes it", async () => {
    const inputs = await checked(contextInputs(server, "ctx-life"));
    const { id, outs } = await provider.create(inputs);
    expect(await provider.diff!(id, outs, { ...inputs, name: "ctx-life2" })).toMatchObject({ changes: true, replaces: ["name"] });
    expect(await provider.diff!(id, outs, inputs)).toMatchObject({ changes: false, replaces: [] });
    const news = { ...inputs, maxQuotaMb: 20480, loginMappings: ["ctx-life.example", "life.example"] };
    expect(await provider.diff!(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const { outs: updated } = await provider.update!(id, outs, news);
    const { props } = await provider.read!(id, updated);
    expect(props).toMatchObject({ contextId: outs.contextId, maxQuotaMb: 20480, loginMappings: ["ctx-life.example", "life.example"] });
    await provider.delete!(id, props);
    expect(server.contexts.has(outs.contextId)).toBe(false);
    expect(await provider.read!(id, props)).toEqual({ id: "", props: {} });
  });
});
