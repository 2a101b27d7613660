// A create that OX committed after the client gave up must not fail for good on the next try, and
// must never adopt somebody else's account: only a user carrying this mailbox's immutable id is adopted.

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { USER_ATTRIBUTES } from "@oxmig/core/contract";
import { oxContextProvider } from "../../../infra/ox/context-provider";
import { oxUserProvider as provider } from "../../../infra/ox/user-provider";
import { startOxTestServer, type OxTestServer } from "../../support/ox-test-server";
import { connectionTo, contextInputs, FAST_CALLS, HANG_MS, SHORT_TIMEOUT, stubCallPolicy, useConnection, userInputs } from "./ox-fixtures";

let server: OxTestServer;
let contextId: number;

const usersNamed = (name: string) => [...server.contexts.get(contextId)!.users.values()].filter((u) => u.name === name);
const creates = () => server.requests.filter((r) => r.service === "OXUserService" && r.operation === "create").length;

async function checked(raw: Record<string, unknown>) {
  const { inputs, failures } = await provider.check!({}, raw);
  expect(failures).toEqual([]);
  return inputs;
}

beforeAll(async () => {
  stubCallPolicy(FAST_CALLS, SHORT_TIMEOUT);
  server = await startOxTestServer();
  useConnection(connectionTo(server));
  contextId = (await oxContextProvider.create((await oxContextProvider.check!({}, contextInputs())).inputs)).outs.contextId;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

describe("OX user create after a timeout", () => {
  it("OX committed the first try: the retry finds the user, its mailbox id matches, it is adopted", async () => {
    const inputs = await checked(userInputs(contextId, "slow.commit", "Slow Commit"));
    const before = creates();
    server.script.push({ kind: "hang", ms: HANG_MS, commit: true });
    const { id, outs } = await provider.create(inputs);
    expect(creates() - before).toBe(2);
    const [stored] = usersNamed("slow.commit");
    expect(usersNamed("slow.commit")).toHaveLength(1);
    expect(id).toBe(`${contextId}/${stored!.id}`);
    expect(outs.userId).toBe(stored!.id);
    const { props } = await provider.read!(id, outs);
    expect(await provider.diff!(id, props as never, inputs)).toMatchObject({ changes: false });
  });

  it("the user under that name carries another mailbox id: not adopted, both ids named", async () => {
    await provider.create(await checked(userInputs(contextId, "taken.name", "Taken Name")));
    const other = userInputs(contextId, "taken.name", "Someone Else");
    const otherId = "99999999-0000-4000-8000-000000000000";
    const raw = {
      ...other,
      primaryEmail: "someone.else@schule-nord.example",
      email1: "someone.else@schule-nord.example",
      defaultSenderAddress: "someone.else@schule-nord.example",
      aliases: ["someone.else@schule-nord.example"],
      userAttributes: { ...(other.userAttributes as Record<string, string>), [USER_ATTRIBUTES.mailboxId]: otherId },
    };
    const error = await provider.create(await checked(raw)).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error?.message).toContain(
      `user "taken.name" already exists in context ${contextId} with oxmig/mailbox-id "3f2b0c6e-4a51-4d0e-9a57-0c1d2e3f4a5b", this mailbox's is "${otherId}": not adopted (never by name)`,
    );
    expect(usersNamed("taken.name")).toHaveLength(1);
    expect(usersNamed("taken.name")[0]!.display_name).toBe("Taken Name");
  });

  it("a mailbox without a declared mailbox id is never adopted", async () => {
    await provider.create(await checked(userInputs(contextId, "no.id", "No Id")));
    const raw = userInputs(contextId, "no.id", "No Id Again");
    const { [USER_ATTRIBUTES.mailboxId]: _dropped, ...attributes } = raw.userAttributes as Record<string, string>;
    await expect(provider.create(await checked({ ...raw, userAttributes: attributes }))).rejects.toThrow(/this mailbox's is not declared: not adopted/);
  });

  it("every try timed out and OX holds no such user: the timeout is the error", async () => {
    const inputs = await checked(userInputs(contextId, "never.there", "Never There"));
    server.script.push(...Array.from({ length: 3 }, () => ({ kind: "hang", ms: HANG_MS, commit: false }) as const));
    await expect(provider.create(inputs)).rejects.toThrow(/OXUserService.create: no answer from .* in time \(gave up after 3 attempts\)/);
    expect(usersNamed("never.there")).toHaveLength(0);
  });
});
