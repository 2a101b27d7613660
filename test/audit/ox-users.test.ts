// Listing the OX users of a context the way OX answers (test/support/ox-test-server.ts, each behaviour
// marked [OX source]): listAll gives ids only, getMultipleData the data, only for the context admin.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { listContextUsers, MULTIPLE_DATA_BATCH } from "../../audit/ox-users";
import { USER_ATTRIBUTES } from "@oxmig/core/contract";
import { oxContextProvider } from "../../infra/ox/context-provider";
import { oxUserProvider } from "../../infra/ox/user-provider";
import { startOxTestServer, type OxTestServer } from "../support/ox-test-server";
import { connectionTo, contextInputs, FAST_CALLS, masterOnly, stubCallPolicy, useConnection, userInputs } from "../infra/ox/ox-fixtures";

let server: OxTestServer;
let contextId: number;
let empty: number;

beforeAll(async () => {
  stubCallPolicy(FAST_CALLS);
  server = await startOxTestServer({ masterAccountOverride: true });
  useConnection(connectionTo(server));
  contextId = (await oxContextProvider.create((await oxContextProvider.check!({}, contextInputs("schule-nord"))).inputs)).outs.contextId;
  empty = (await oxContextProvider.create((await oxContextProvider.check!({}, contextInputs("schule-sued"))).inputs)).outs.contextId;
  for (const local of ["anna.beispiel", "bert.beispiel"]) {
    await oxUserProvider.create((await oxUserProvider.check!({}, userInputs(contextId, local, `${local} Beispiel`))).inputs);
  }
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

describe("listContextUsers", () => {
  it("lists every user with imapLogin, primary address and attributes: listAll, then getMultipleData", async () => {
    const listed = await listContextUsers(connectionTo(server), { name: "schule-nord", id: contextId });
    expect("users" in listed && listed.users.map((u) => [u.userId, u.name, u.imapLogin])).toEqual([
      [2, "oxadmin", undefined],
      [3, "anna.beispiel", "anna.beispiel"],
      [4, "bert.beispiel", "bert.beispiel"],
    ]);
    const anna = "users" in listed ? listed.users[1]! : undefined;
    expect(anna).toMatchObject({ contextId, primaryEmail: "anna.beispiel@schule-nord.example", attributes: { [USER_ATTRIBUTES.kind]: "personal" } });
    const ops = server.requests.filter((r) => r.service === "OXUserService").map((r) => r.operation);
    expect(ops.slice(-2)).toEqual(["listAll", "getMultipleData"]);
    expect(MULTIPLE_DATA_BATCH).toBeGreaterThan(1);
  });

  it("an empty answer of listAll (no <return> at all) is an empty list, not an unreadable answer", async () => {
    server.contexts.get(empty)!.users.clear();
    expect(await listContextUsers(connectionTo(server), { name: "schule-sued", id: empty })).toEqual({ context: "schule-sued", users: [] });
  });

  it("a context without a plan id is looked up by name (OXContextService.getData)", async () => {
    const listed = await listContextUsers(connectionTo(server), { name: "schule-nord" });
    expect("users" in listed && listed.users.length).toBe(3);
  });

  it("as master admin (MASTER_ACCOUNT_OVERRIDE on), getMultipleData of several users is refused: the error is returned", async () => {
    const listed = await listContextUsers(masterOnly(connectionTo(server)), { name: "schule-nord", id: contextId });
    expect(listed).toEqual({ context: "schule-nord", error: expect.stringMatching(/Permission denied/) });
    expect(JSON.stringify(listed)).not.toContain(server.master.password);
  });
});
