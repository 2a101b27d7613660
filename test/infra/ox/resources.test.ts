// OxContext / OxUser under Pulumi's mock runtime: registered type, inputs the policy pack reads,
// and a serialised provider that really works once Pulumi's provider host loads it.

import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TYPES } from "@oxmig/core/contract";
import { OxContext, OxUser, type OxContextArgs, type OxUserArgs } from "../../../infra/ox/resources";
import { startOxTestServer, type OxTestServer } from "../../support/ox-test-server";
import { CONTEXT_ADMIN, connectionTo, contextInputs, useConnection, userInputs } from "./ox-fixtures";

interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

const registered: Registered[] = [];
let server: OxTestServer;

/** What Pulumi's dynamic provider host does with `__provider`. */
function loadSerialisedProvider(text: string): pulumi.dynamic.ResourceProvider {
  const requireFromString = createRequire(require.resolve("@pulumi/pulumi"))("require-from-string");
  return requireFromString(text).handler();
}

const settled = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

beforeAll(async () => {
  server = await startOxTestServer();
  useConnection(connectionTo(server));
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, userId: 7, contextId: args.inputs.contextId ?? 1 } };
      },
      call: (args) => args.inputs,
    },
    "oxmig",
    "test",
    false,
  );
});
afterAll(() => server.close());

describe("OxUser / OxContext under the mock runtime", () => {
  // Every test reads these registrations: they are made once, before any of them runs.
  const raw = userInputs(1, "mock.user", "Mock User");
  let user: OxUser;
  beforeAll(async () => {
    // Resources are only constructed here, after setMocks, so the static import is safe.
    const context = new OxContext("ctx", contextInputs() as unknown as OxContextArgs);
    user = new OxUser("mock-user", { ...(raw as unknown as OxUserArgs), contextId: context.contextId });
    await settled(user.urn);
    await settled(context.urn);
  });

  it("register with the contract's types and the inputs the policy pack reads", async () => {
    const userReg = registered.find((r) => r.name === "mock-user")!;
    const contextReg = registered.find((r) => r.name === "ctx")!;
    expect(userReg.type).toBe(TYPES.oxUser);
    expect(contextReg.type).toBe(TYPES.oxContext);
    for (const key of ["name", "imapLogin", "primaryEmail", "email1", "aliases", "defaultSenderAddress", "userAttributes", "contextName"]) {
      expect(userReg.inputs[key], key).toEqual(raw[key]);
    }
    expect(await settled(user.userId)).toBe(7);
  });

  it("registers no connection: no password in any input, nor in the serialised provider", async () => {
    for (const reg of registered) {
      expect(reg.inputs, reg.name).not.toHaveProperty("connection");
      const text = JSON.stringify(reg.inputs);
      // Booleans, so a failure does not print the password.
      expect(text.includes(server.master.password), reg.name).toBe(false);
      expect(text.includes(CONTEXT_ADMIN.password), reg.name).toBe(false);
    }
    const userReg = registered.find((r) => r.name === "mock-user")!;
    expect(typeof userReg.inputs.__provider).toBe("string");
    expect(userReg.inputs.__provider).not.toContain("__vite_ssr");
  });

  it("the serialised providers, loaded as Pulumi's provider host does, provision against OX", async () => {
    const contextProvider = loadSerialisedProvider(registered.find((r) => r.name === "ctx")!.inputs.__provider as string);
    const userProvider = loadSerialisedProvider(registered.find((r) => r.name === "mock-user")!.inputs.__provider as string);
    const ctx = await contextProvider.create((await contextProvider.check!({}, contextInputs())).inputs);
    const { inputs } = await userProvider.check!({}, userInputs(ctx.outs.contextId, "serialised.user", "Serialised User"));
    const { outs } = await userProvider.create(inputs);
    expect(server.contexts.get(ctx.outs.contextId)!.users.get(outs.userId)?.name).toBe("serialised.user");
  });
});
