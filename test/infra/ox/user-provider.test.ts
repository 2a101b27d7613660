// The user provider's methods called directly, envelopes going over HTTP to the local OX stand-in.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oxContextProvider } from "../../../infra/ox/context-provider";
import { oxUserProvider } from "../../../infra/ox/user-provider";
import { startOxTestServer, type OxTestServer } from "../../support/ox-test-server";
import { connectionTo, contextInputs, userInputs } from "./ox-fixtures";

let server: OxTestServer;
let contextId: number;
const provider = oxUserProvider;

/** Runs check then create, as the engine does; returns the created outputs. */
async function createChecked(raw: Record<string, unknown>) {
  const { inputs, failures } = await provider.check!({}, raw);
  expect(failures).toEqual([]);
  return provider.create(inputs);
}

const findUser = (name: string) => [...server.contexts.get(contextId)!.users.values()].find((u) => u.name === name);

beforeAll(async () => {
  server = await startOxTestServer();
  const { inputs } = await oxContextProvider.check!({}, contextInputs(server));
  contextId = (await oxContextProvider.create(inputs)).outs.contextId;
});
afterAll(() => server.close());

describe("OX user provider: create", () => {
  it("creates the user with every binding field as sent", async () => {
    const { id, outs } = await createChecked(userInputs(server, contextId, "create.ok", "Create Ok"));
    expect(id).toBe(`${contextId}/${outs.userId}`);
    const stored = findUser("create.ok")!;
    expect(stored).toMatchObject({ imapLogin: "create.ok", primaryEmail: "create.ok@schule-nord.example", mailenabled: true, language: "de_DE", timezone: "Europe/Berlin" });
    expect(stored.userAttributes).toEqual(userInputs(server, contextId).userAttributes);
    expect(server.requests.at(-1)).toMatchObject({ service: "OXUserService", operation: "create" });
  });

  it("server refuses primaryEmail ≠ email1", async () => {
    const raw = { ...userInputs(server, contextId, "mismatch", "Mis Match"), email1: "mismatch@alt.schule-nord.example" };
    await expect(provider.create(raw)).rejects.toThrow(/InvalidDataException.*email1 .* must equal primaryEmail/);
  });

  it("server refuses a defaultSenderAddress outside the aliases", async () => {
    const raw = { ...userInputs(server, contextId, "sender", "Send Er"), defaultSenderAddress: "someone@else.example" };
    await expect(provider.create(raw)).rejects.toThrow(/defaultSenderAddress "someone@else.example" must be one of the aliases/);
  });

  it("server refuses a second user with the same name (never adopts the existing account)", async () => {
    await createChecked(userInputs(server, contextId, "dup.name", "Dup Name One"));
    const second = { ...userInputs(server, contextId, "dup.name", "Dup Name Two"), primaryEmail: "other@schule-nord.example", email1: "other@schule-nord.example", defaultSenderAddress: "other@schule-nord.example", aliases: ["other@schule-nord.example"] };
    await expect(provider.create(second)).rejects.toThrow(/a user named "dup.name" already exists/);
    expect(findUser("dup.name")!.display_name).toBe("Dup Name One");
  });

  it("server refuses a duplicate display name", async () => {
    await createChecked(userInputs(server, contextId, "disp.one", "Same Display"));
    await expect(provider.create(userInputs(server, contextId, "disp.two", "Same Display"))).rejects.toThrow(/display name "Same Display" is already used/);
  });

  it("server refuses a primary address that already exists", async () => {
    await createChecked(userInputs(server, contextId, "prim.one", "Prim One"));
    const raw = { ...userInputs(server, contextId, "prim.two", "Prim Two"), primaryEmail: "prim.one@schule-nord.example", email1: "prim.one@schule-nord.example", defaultSenderAddress: "prim.one@schule-nord.example", aliases: ["prim.one@schule-nord.example"] };
    await expect(provider.create(raw)).rejects.toThrow(/primary address "prim.one@schule-nord.example" already exists/);
  });

  it("server refuses a wrong admin password, and the error does not echo it", async () => {
    const raw = { ...userInputs(server, contextId, "wrong.pw", "Wrong Pw"), connection: connectionTo(server, "guessed-Pa55") };
    const error = await provider.create(raw).then(() => undefined, (err: Error) => err);
    expect(error?.message).toMatch(/InvalidCredentialsException: .*Authentication failed/);
    expect(error?.message).not.toContain("guessed-Pa55");
    expect(findUser("wrong.pw")).toBeUndefined();
  });
});

describe("OX user provider: check", () => {
  it("names the property of each failure", async () => {
    const raw = { ...userInputs(server, contextId), email1: "x@schule-nord.example", name: "Anna", contextId: 0, userAttributes: { flat: "1" } };
    const { failures } = await provider.check!({}, raw);
    expect(failures!.map((f) => f.property).sort()).toEqual(["contextId", "email1", "email1", "name", "userAttributes"]);
  });

  it("skips rules on values unknown during preview", async () => {
    const raw = { ...userInputs(server, contextId), primaryEmail: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" };
    expect((await provider.check!({}, raw)).failures).toEqual([]);
  });
});

describe("OX user provider: diff, update, read, delete", () => {
  it("name change → replace; alias change → update; no change → no changes", async () => {
    const { inputs } = await provider.check!({}, userInputs(server, contextId, "diff.me", "Diff Me"));
    const { id, outs } = await provider.create(inputs);
    expect(await provider.diff!(id, outs, { ...inputs, name: "diff.me2" })).toEqual({ changes: true, replaces: ["name"], deleteBeforeReplace: false });
    expect(await provider.diff!(id, outs, { ...inputs, aliases: [...inputs.aliases, "dm@schule-nord.example"] })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await provider.diff!(id, outs, { ...inputs, primaryEmail: "dm@schule-nord.example" })).toMatchObject({ replaces: ["primaryEmail"] });
    expect(await provider.diff!(id, outs, inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("update changes aliases and attributes in OX, read reports them back, delete removes the user", async () => {
    const { inputs } = await provider.check!({}, userInputs(server, contextId, "upd.me", "Upd Me"));
    const { id, outs } = await provider.create(inputs);
    const news = { ...inputs, aliases: [...inputs.aliases, "um@schule-nord.example"], userAttributes: { "oxmig/kind": "shared" } };
    const updated = await provider.update!(id, outs, news);
    expect(updated.outs.userId).toBe(outs.userId);
    const read = await provider.read!(id, updated.outs);
    expect(read.props.aliases).toEqual(news.aliases);
    expect(read.props.userAttributes).toEqual({ "oxmig/kind": "shared" });
    await provider.delete!(id, read.props);
    expect(findUser("upd.me")).toBeUndefined();
    expect(await provider.read!(id, read.props)).toEqual({ id: "", props: {} });
  });

  it("server refuses an update that moves the defaultSenderAddress outside the aliases", async () => {
    const { inputs } = await provider.check!({}, userInputs(server, contextId, "upd.bad", "Upd Bad"));
    const { id, outs } = await provider.create(inputs);
    await expect(provider.update!(id, outs, { ...inputs, aliases: ["upd.bad@schule-nord.example"], defaultSenderAddress: "upd.bad@alt.schule-nord.example" })).rejects.toThrow(/must be one of the aliases/);
  });
});

describe("OX user provider: secrets", () => {
  it("outputs keep the connection exactly as it came and carry the password nowhere else", async () => {
    const raw = userInputs(server, contextId, "secret.check", "Secret Check");
    const { id, outs } = await createChecked(raw);
    expect(outs.connection).toEqual(raw.connection);
    const { connection: _c, ...rest } = outs;
    const { props } = await provider.read!(id, outs);
    const { connection: _r, ...readRest } = props;
    for (const text of [JSON.stringify(rest), JSON.stringify(readRest)]) expect(text).not.toContain(server.master.password);
  });
});
