// The user provider's methods called directly, envelopes going over HTTP to the contract-faithful
// OX stand-in (void change/delete, xsi:nil, hash-order aliases, context-admin credentials).

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { oxContextProvider } from "../../../infra/ox/context-provider";
import { oxUserProvider } from "../../../infra/ox/user-provider";
import { startOxTestServer, type OxTestServer } from "../../support/ox-test-server";
import { connectionTo, contextInputs, FAST_CALLS, masterOnly, stubCallPolicy, useConnection, userInputs, withConnection } from "./ox-fixtures";

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
  stubCallPolicy(FAST_CALLS);
  server = await startOxTestServer();
  useConnection(connectionTo(server));
  const { inputs } = await oxContextProvider.check!({}, contextInputs());
  contextId = (await oxContextProvider.create(inputs)).outs.contextId;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

describe("OX user provider: create", () => {
  it("creates the user with every binding field as sent", async () => {
    const { id, outs } = await createChecked(userInputs(contextId, "create.ok", "Create Ok"));
    expect(id).toBe(`${contextId}/${outs.userId}`);
    const stored = findUser("create.ok")!;
    expect(stored).toMatchObject({
      imapLogin: "create.ok",
      primaryEmail: "create.ok@schule-nord.example",
      mailenabled: true,
      language: "de_DE",
      timezone: "Europe/Berlin",
    });
    expect(stored.userAttributes).toEqual(userInputs(contextId).userAttributes);
    expect(server.requests.at(-1)).toMatchObject({ service: "OXUserService", operation: "create" });
  });

  it("check refuses primaryEmail ≠ email1 and a defaultSenderAddress outside the aliases before any call", async () => {
    const mismatch = { ...userInputs(contextId, "mismatch", "Mis Match"), email1: "mismatch@alt.schule-nord.example" };
    expect((await provider.check!({}, mismatch)).failures!.map((f) => f.reason)).toContain(
      'email1 "mismatch@alt.schule-nord.example" must equal primaryEmail "mismatch@schule-nord.example"',
    );
    const sender = { ...userInputs(contextId, "sender", "Send Er"), defaultSenderAddress: "someone@else.example" };
    expect((await provider.check!({}, sender)).failures!.map((f) => f.reason)).toContain(
      'defaultSenderAddress "someone@else.example" must be one of the aliases',
    );
  });

  it("sends primaryEmail, email1 and the aliases spelled identically (OX compares them case-sensitively on create)", async () => {
    const raw = userInputs(contextId, "case.mix", "Case Mix");
    const { inputs } = await provider.check!(
      {},
      { ...raw, email1: "Case.Mix@schule-nord.example", aliases: ["CASE.MIX@schule-nord.example", "case.mix@alt.schule-nord.example"] },
    );
    const { id, outs } = await provider.create(inputs);
    const stored = findUser("case.mix")!;
    expect(stored.email1).toBe("case.mix@schule-nord.example");
    expect([...stored.aliases!].sort()).toEqual(["case.mix@alt.schule-nord.example", "case.mix@schule-nord.example"]);
    const { props } = await provider.read!(id, outs);
    expect(await provider.diff!(id, props as never, inputs)).toMatchObject({ changes: false });
  });

  it("server refuses a second user with the same name (never adopts the existing account)", async () => {
    await createChecked(userInputs(contextId, "dup.name", "Dup Name One"));
    const second = {
      ...userInputs(contextId, "dup.name", "Dup Name Two"),
      primaryEmail: "other@schule-nord.example",
      email1: "other@schule-nord.example",
      defaultSenderAddress: "other@schule-nord.example",
      aliases: ["other@schule-nord.example"],
    };
    await expect(provider.create(second)).rejects.toThrow(/user "dup.name" already exists in context \d+ with oxmig\/mailbox-id .*not adopted/);
    expect(findUser("dup.name")!.display_name).toBe("Dup Name One");
  });

  it("server refuses a duplicate display name", async () => {
    await createChecked(userInputs(contextId, "disp.one", "Same Display"));
    await expect(provider.create(userInputs(contextId, "disp.two", "Same Display"))).rejects.toThrow(/display name "Same Display" is already used/);
  });

  it("server refuses a primary address that already exists", async () => {
    await createChecked(userInputs(contextId, "prim.one", "Prim One"));
    const raw = {
      ...userInputs(contextId, "prim.two", "Prim Two"),
      primaryEmail: "prim.one@schule-nord.example",
      email1: "prim.one@schule-nord.example",
      defaultSenderAddress: "prim.one@schule-nord.example",
      aliases: ["prim.one@schule-nord.example"],
    };
    await expect(provider.create(raw)).rejects.toThrow(/primary address "prim.one@schule-nord.example" already exists/);
  });

  it("server refuses a wrong context-admin password, and the error does not echo it", async () => {
    const raw = userInputs(contextId, "wrong.pw", "Wrong Pw");
    const wrong = { ...connectionTo(server), contextAdminPassword: "guessed-Pa55" };
    const error = await withConnection(wrong, connectionTo(server), () =>
      provider.create(raw).then(
        () => undefined,
        (err: Error) => err,
      ),
    );
    expect(error?.message).toMatch(/InvalidCredentialsException: .*Authentication failed.*authenticate as the context admin "oxadmin"/);
    expect(error?.message).not.toContain("guessed-Pa55");
    expect(findUser("wrong.pw")).toBeUndefined();
  });
});

describe("OX user provider: check", () => {
  it("names the property of each failure", async () => {
    const raw = { ...userInputs(contextId), email1: "x@schule-nord.example", name: "Anna", contextId: 0, userAttributes: { flat: "1" } };
    const { failures } = await provider.check!({}, raw);
    expect(failures!.map((f) => f.property).sort()).toEqual(["contextId", "email1", "email1", "name", "userAttributes"]);
  });

  it("skips rules on values unknown during preview", async () => {
    const raw = { ...userInputs(contextId), primaryEmail: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" };
    expect((await provider.check!({}, raw)).failures).toEqual([]);
  });
});

describe("OX user provider: diff, update, read, delete", () => {
  it("name change → replace; alias change → update; no change → no changes", async () => {
    const { inputs } = await provider.check!({}, userInputs(contextId, "diff.me", "Diff Me"));
    const { id, outs } = await provider.create(inputs);
    expect(await provider.diff!(id, outs, { ...inputs, name: "diff.me2" })).toEqual({ changes: true, replaces: ["name"], deleteBeforeReplace: false });
    expect(await provider.diff!(id, outs, { ...inputs, aliases: [...inputs.aliases, "dm@schule-nord.example"] })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await provider.diff!(id, outs, { ...inputs, primaryEmail: "dm@schule-nord.example" })).toMatchObject({ replaces: ["primaryEmail"] });
    expect(await provider.diff!(id, outs, inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("read-back right after create shows no diff (aliases in hash order, unset fields nil)", async () => {
    const { inputs } = await provider.check!({}, userInputs(contextId, "read.back", "Read Back"));
    const { id, outs } = await provider.create(inputs);
    const { props } = await provider.read!(id, outs);
    expect(props).toEqual(outs);
    expect(await provider.diff!(id, props as never, inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    const answer = server.requests.length;
    await provider.read!(id, outs);
    expect(server.requests.length).toBe(answer + 1);
    // Reordered or re-cased aliases are the same set.
    const reordered = { ...inputs, aliases: [...inputs.aliases].reverse().map((a) => a.toUpperCase()) };
    expect(await provider.diff!(id, props as never, reordered)).toMatchObject({ changes: false });
  });

  it("update (void answer) changes aliases in OX, read reports them back, delete (void answer) removes the user", async () => {
    const { inputs } = await provider.check!({}, userInputs(contextId, "upd.me", "Upd Me"));
    const { id, outs } = await provider.create(inputs);
    const news = { ...inputs, aliases: [...inputs.aliases, "um@schule-nord.example"] };
    const updated = await provider.update!(id, outs, news);
    expect(updated.outs.userId).toBe(outs.userId);
    expect(server.requests.at(-1)).toMatchObject({ operation: "change" });
    const read = await provider.read!(id, updated.outs);
    expect(read.props.aliases).toEqual(news.aliases);
    expect(await provider.diff!(id, read.props as never, news)).toMatchObject({ changes: false });
    await provider.delete!(id, read.props);
    expect(findUser("upd.me")).toBeUndefined();
    expect(await provider.read!(id, read.props)).toEqual({ id: "", props: {} });
  });

  it('an attribute no longer declared is deleted in OX (sent without value, never as ""); no diff afterwards', async () => {
    const { inputs } = await provider.check!({}, userInputs(contextId, "attr.drop", "Attr Drop"));
    const { id, outs } = await provider.create(inputs);
    const kept = { "oxmig/mailbox-id": (inputs.userAttributes as Record<string, string>)["oxmig/mailbox-id"]! };
    const news = { ...inputs, userAttributes: kept };
    const { outs: updated } = await provider.update!(id, outs, news);
    const change = server.requests.at(-1)!.body;
    expect(change).toMatch(/<xsd:entries><xsd:key>kind<\/xsd:key><\/xsd:entries>/);
    expect(findUser("attr.drop")!.userAttributes).toEqual(kept);
    const { props } = await provider.read!(id, updated);
    expect(props.userAttributes).toEqual(kept);
    expect(await provider.diff!(id, props as never, news)).toMatchObject({ changes: false });
  });

  it('an attribute set to "" is stored as "" and reads back without diff', async () => {
    const { inputs } = await provider.check!({}, userInputs(contextId, "attr.empty", "Attr Empty"));
    const { id, outs } = await provider.create(inputs);
    const news = { ...inputs, userAttributes: { ...(inputs.userAttributes as Record<string, string>), "oxmig/kind": "" } };
    const { outs: updated } = await provider.update!(id, outs, news);
    expect(findUser("attr.empty")!.userAttributes!["oxmig/kind"]).toBe("");
    const { props } = await provider.read!(id, updated);
    expect(await provider.diff!(id, props as never, news)).toMatchObject({ changes: false });
  });

  it("a user whose context vanished from OX reads as gone and deletes without error", async () => {
    const { inputs: ctxInputs } = await oxContextProvider.check!({}, contextInputs("ctx-vanishing"));
    const vanishing = (await oxContextProvider.create(ctxInputs)).outs.contextId;
    const { inputs } = await provider.check!({}, { ...userInputs(vanishing, "gone.soon", "Gone Soon"), contextName: "ctx-vanishing" });
    const { id, outs } = await provider.create(inputs);
    server.contexts.delete(vanishing);
    expect(await provider.read!(id, outs)).toEqual({ id: "", props: {} });
    await expect(provider.delete!(id, outs)).resolves.toBeUndefined();
    await expect(provider.update!(id, outs, { ...inputs, displayName: "Gone Later" })).rejects.toThrow(/OX context \d+ \("ctx-vanishing"\) does not exist/);
  });

  it("server refuses an update that moves the defaultSenderAddress outside the aliases", async () => {
    const { inputs } = await provider.check!({}, userInputs(contextId, "upd.bad", "Upd Bad"));
    const { id, outs } = await provider.create(inputs);
    await expect(
      provider.update!(id, outs, { ...inputs, aliases: ["upd.bad@schule-nord.example"], defaultSenderAddress: "upd.bad@alt.schule-nord.example" }),
    ).rejects.toThrow(/must be one of the aliases/);
  });
});

describe("OX user provider: credentials for user calls", () => {
  it("as master admin, OX refuses user calls unless MASTER_ACCOUNT_OVERRIDE is set; the error says so", async () => {
    const raw = userInputs(contextId, "as.master", "As Master");
    const create = withConnection(masterOnly(connectionTo(server)), connectionTo(server), () => provider.create(raw));
    await expect(create).rejects.toThrow(
      /Authentication failed.*master admin, which OX accepts only with MASTER_ACCOUNT_OVERRIDE=true \(or set oxmig:oxContextAdminUser\/oxmig:oxContextAdminPassword\)/,
    );
    expect(findUser("as.master")).toBeUndefined();
  });

  it("with MASTER_ACCOUNT_OVERRIDE on the server, the master admin provisions users", async () => {
    const override = await startOxTestServer({ masterAccountOverride: true });
    try {
      const { context, outs } = await withConnection(masterOnly(connectionTo(override)), connectionTo(server), async () => {
        const ctx = (await oxContextProvider.check!({}, contextInputs())).inputs;
        const { outs: context } = await oxContextProvider.create(ctx);
        return { context, outs: (await createChecked(userInputs(context.contextId, "as.master", "As Master"))).outs };
      });
      expect(override.contexts.get(context.contextId)!.users.get(outs.userId)?.name).toBe("as.master");
    } finally {
      await override.close();
    }
  });
});
