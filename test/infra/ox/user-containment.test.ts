// Containment disables an OX user in place: `mailenabled` goes false with an OXUserService.change,
// never a replacement, so the user keeps its id, its attributes and (elsewhere) its key and mail.
// Against the OX stand-in, which follows OX's contract for the field as read in OX's source (create
// stores an unset mailenabled as true, change copies it only when sent). Not run against a real OX:
// that OX then refuses the user's login is read in OX's source (DefaultAuthorizationImpl), not seen.

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { USER_ATTRIBUTES } from "@oxmig/core/contract";
import { oxContextProvider } from "../../../infra/ox/context-provider";
import { callOx, userAuthPart } from "../../../infra/ox/soap-client";
import { oxUserProvider } from "../../../infra/ox/user-provider";
import type { OxUserOutputs } from "../../../infra/ox/user-check";
import { startOxTestServer, type OxTestServer } from "../../support/ox-test-server";
import { connectionTo, contextInputs, FAST_CALLS, stubCallPolicy, useConnection, userInputs } from "./ox-fixtures";

let server: OxTestServer;
let contextId: number;
const provider = oxUserProvider;
const REASON = "INC-2026-0042: holds foreign mail";

const stored = (name: string) => [...server.contexts.get(contextId)!.users.values()].find((u) => u.name === name)!;
const checked = async (raw: Record<string, unknown>) => (await provider.check!({}, raw)).inputs;
const contained = (raw: Record<string, unknown>) => ({
  ...raw,
  mailEnabled: false,
  userAttributes: { ...(raw.userAttributes as Record<string, string>), [USER_ATTRIBUTES.containment]: REASON },
});

beforeAll(async () => {
  stubCallPolicy(FAST_CALLS);
  server = await startOxTestServer();
  useConnection(connectionTo(server));
  const { inputs } = await oxContextProvider.check!({}, contextInputs("schule-ost"));
  contextId = (await oxContextProvider.create(inputs)).outs.contextId;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

describe("OX user provider: containment", () => {
  it("contains a user with an in-place change: same OX user id, mailenabled false, the reason as attribute", async () => {
    const raw = { ...userInputs(contextId, "contain.me", "Contain Me"), contextName: "schule-ost" };
    const { id, outs } = await provider.create(await checked(raw));
    expect(stored("contain.me").mailenabled).toBe(true);
    const news = await checked(contained(raw));
    const diff = await provider.diff!(id, outs, news);
    expect(diff).toMatchObject({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await provider.update!(id, outs, news);
    expect(server.requests.at(-1)).toMatchObject({ operation: "change" });
    expect(server.requests.at(-1)!.body).toContain("<xsd:mailenabled>false</xsd:mailenabled>");
    expect(stored("contain.me")).toMatchObject({ id: outs.userId, mailenabled: false });
    expect(stored("contain.me").userAttributes?.["oxmig/containment"]).toBe(REASON);
    expect(updated.outs).toMatchObject({ userId: outs.userId, mailEnabled: false });
    // Refresh reads the disabled user back as declared: no further diff.
    const { props } = await provider.read!(id, updated.outs as OxUserOutputs);
    expect((props as OxUserOutputs).mailEnabled).toBe(false);
    expect(await provider.diff!(id, props as OxUserOutputs, news)).toMatchObject({ changes: false });

    // Release: OX copies only the fields sent, so `true` must go out explicitly; the attribute is deleted.
    const released = await checked(raw);
    expect(await provider.diff!(id, updated.outs as OxUserOutputs, released)).toMatchObject({ changes: true, replaces: [] });
    await provider.update!(id, updated.outs as OxUserOutputs, released);
    expect(server.requests.at(-1)!.body).toContain("<xsd:mailenabled>true</xsd:mailenabled>");
    expect(stored("contain.me").mailenabled).toBe(true);
    expect(stored("contain.me").userAttributes).not.toHaveProperty("oxmig/containment");
    expect(stored("contain.me").id).toBe(outs.userId);
  });

  it("creates a user contained from the start as disabled", async () => {
    await provider.create(await checked(contained({ ...userInputs(contextId, "born.contained", "Born Contained"), contextName: "schule-ost" })));
    expect(stored("born.contained").mailenabled).toBe(false);
  });

  it("state from before mailEnabled was an input is no diff (those users were always sent mailenabled=true)", async () => {
    const inputs = await checked({ ...userInputs(contextId, "old.state", "Old State"), contextName: "schule-ost" });
    const { mailEnabled: _dropped, ...oldState } = { ...inputs, userId: 7 } as OxUserOutputs;
    expect(await provider.diff!("x/7", oldState as OxUserOutputs, inputs)).toMatchObject({ changes: false });
    expect(await provider.diff!("x/7", oldState as OxUserOutputs, { ...inputs, mailEnabled: false })).toMatchObject({ changes: true, replaces: [] });
  });

  it("check defaults mailEnabled to true and refuses anything but a boolean", async () => {
    expect((await checked(userInputs(contextId))).mailEnabled).toBe(true);
    const { failures } = await provider.check!({}, { ...userInputs(contextId), mailEnabled: "no" });
    expect(failures!.map((f) => f.reason)).toContain('mailEnabled must be true or false, got "no"');
  });

  it("the stand-in stores an unset mailenabled as true on create, as OX does", async () => {
    const connection = connectionTo(server);
    const usrdata = {
      name: "no.flag",
      display_name: "No Flag",
      given_name: "No",
      sur_name: "Flag",
      password: "synthetic-pw-1",
      primaryEmail: "no.flag@schule-nord.example",
      email1: "no.flag@schule-nord.example",
      aliases: ["no.flag@schule-nord.example"],
    };
    await callOx(connection, "OXUserService", "create", [
      { element: "ctx", kind: "context", value: { id: contextId, name: "schule-ost" } },
      { element: "usrdata", kind: "user", value: usrdata },
      userAuthPart(connection),
    ]);
    expect(server.requests.at(-1)!.body).not.toContain("mailenabled");
    expect(stored("no.flag").mailenabled).toBe(true);
  });
});
