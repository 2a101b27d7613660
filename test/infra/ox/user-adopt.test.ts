// Adopting a legacy OX user (created before the stack, matched by the audit's evidence) through
// `adoptUserId`: the provider's create reads it by id, checks consistency (never matches) and brings
// it to the declared state with one `change`, exactly as the adoption after a failed create does.

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { USER_ATTRIBUTES } from "@oxmig/core/contract";
import type { OxUserData } from "../../../infra/ox/soap";
import { oxContextProvider } from "../../../infra/ox/context-provider";
import { oxUserProvider as provider } from "../../../infra/ox/user-provider";
import { startOxTestServer, type OxTestServer } from "../../support/ox-test-server";
import { connectionTo, contextInputs, FAST_CALLS, stubCallPolicy, useConnection, userInputs } from "./ox-fixtures";

let server: OxTestServer;
let contextId: number;

const ops = (operation: string) => server.requests.filter((r) => r.service === "OXUserService" && r.operation === operation).length;

/** A user as it was made before the stack: no oxmig attributes, one attribute of another namespace. */
function legacyUser(local: string, changes: Partial<OxUserData> = {}): number {
  const ctx = server.contexts.get(contextId)!;
  const id = ctx.nextUserId++;
  const primary = `${local}@schule-nord.example`;
  ctx.users.set(id, {
    id,
    name: local,
    display_name: `Legacy ${local}`,
    given_name: "Legacy",
    sur_name: local,
    primaryEmail: primary,
    email1: primary,
    defaultSenderAddress: primary,
    aliases: [primary],
    imapLogin: local,
    mailenabled: true,
    userAttributes: { "config/theme": "dark" },
    ...changes,
  });
  return id;
}

async function checked(raw: Record<string, unknown>) {
  const { inputs, failures } = await provider.check!({}, raw);
  expect(failures).toEqual([]);
  return inputs;
}

beforeAll(async () => {
  stubCallPolicy(FAST_CALLS);
  server = await startOxTestServer();
  useConnection(connectionTo(server));
  contextId = (await oxContextProvider.create((await oxContextProvider.check!({}, contextInputs())).inputs)).outs.contextId;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

describe("OX user create with adoptUserId", () => {
  it("takes the legacy user over: no create, one change, declared attributes added, others kept, no diff afterwards", async () => {
    const id = legacyUser("lea.alt");
    const declared = userInputs(contextId, "lea.alt", "Lea Alt");
    const [creates, changes] = [ops("create"), ops("change")];
    const { id: resourceId, outs } = await provider.create(await checked({ ...declared, adoptUserId: id }));
    expect([ops("create") - creates, ops("change") - changes]).toEqual([0, 1]);
    expect(resourceId).toBe(`${contextId}/${id}`);
    expect(outs.userId).toBe(id);
    expect(outs).not.toHaveProperty("adoptUserId");
    const stored = server.contexts.get(contextId)!.users.get(id)!;
    expect(stored.display_name).toBe("Lea Alt");
    expect(stored.userAttributes).toMatchObject({ ...(declared.userAttributes as Record<string, string>), "config/theme": "dark" });
    // The adoption file removed later: adoptUserId is no part of the diff, nothing is replaced.
    const { props } = await provider.read!(resourceId, outs);
    expect(await provider.diff!(resourceId, props as never, await checked(declared))).toMatchObject({ changes: false, replaces: [] });
  });

  it("refuses a user carrying another mailbox's id, without changing it", async () => {
    const id = legacyUser("ole.fremd", { userAttributes: { [USER_ATTRIBUTES.mailboxId]: "99999999-0000-4000-8000-000000000000" } });
    const changes = ops("change");
    await expect(provider.create(await checked({ ...userInputs(contextId, "ole.fremd", "Ole Fremd"), adoptUserId: id }))).rejects.toThrow(
      /carries oxmig\/mailbox-id "99999999-0000-4000-8000-000000000000", this mailbox's is "3f2b0c6e-.*": not adopted/,
    );
    expect(ops("change")).toBe(changes);
  });

  it("refuses a user whose imapLogin opens another Dovecot mailbox", async () => {
    const id = legacyUser("ida.login", { imapLogin: "ida.other" });
    await expect(provider.create(await checked({ ...userInputs(contextId, "ida.login", "Ida Login"), adoptUserId: id }))).rejects.toThrow(
      /has imapLogin "ida.other", declared "ida.login": not adopted/,
    );
  });

  it("refuses a user under another name (OX does not rename; a refresh would replace it)", async () => {
    const id = legacyUser("max.name", { name: "mname" });
    await expect(provider.create(await checked({ ...userInputs(contextId, "max.name", "Max Name"), adoptUserId: id }))).rejects.toThrow(
      /is named "mname", declared "max.name": not adopted/,
    );
  });

  it("refuses a user with another primary address (shared check with the adoption after a failed create)", async () => {
    const id = legacyUser("pia.addr", { primaryEmail: "pia.other@schule-nord.example", email1: "pia.other@schule-nord.example" });
    await expect(provider.create(await checked({ ...userInputs(contextId, "pia.addr", "Pia Addr"), adoptUserId: id }))).rejects.toThrow(
      /primary address "pia.other@schule-nord.example", declared "pia.addr@schule-nord.example": not adopted/,
    );
  });

  it("an id OX does not have: nothing is created", async () => {
    const creates = ops("create");
    await expect(provider.create(await checked({ ...userInputs(contextId, "nobody.here", "Nobody Here"), adoptUserId: 4242 }))).rejects.toThrow(
      /OX user 4242 in context \d+ .*OX has no such user; not adopted, nothing created/,
    );
    expect(ops("create")).toBe(creates);
  });

  it("check refuses an adoptUserId that is no OX user id", async () => {
    const { failures } = await provider.check!({}, { ...userInputs(contextId), adoptUserId: "17" });
    expect(failures).toContainEqual({ property: "adoptUserId", reason: 'adoptUserId must be a positive integer (an OX user id), got "17"' });
  });
});
