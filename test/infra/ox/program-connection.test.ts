// The real program under the mock runtime: no OX resource is given a connection, so no resource's
// inputs or outputs hold an OX password (not even as a secret), and a half context admin is refused.

import { beforeAll, describe, expect, it } from "vitest";
import { TYPES } from "@oxmig/core/contract";
import type { DeclaredResource } from "../../../engine/types";
import { ADMIN_PASSWORD, runStack, stackConfig, writeInventory } from "../program-harness";

const CONTEXT_ADMIN_PASSWORD = "ctx-admin-pw-4b91d2";

let resources: DeclaredResource[];
beforeAll(async () => {
  const config = stackConfig(writeInventory(4), { oxContextAdminUser: "oxadmin", oxContextAdminPassword: CONTEXT_ADMIN_PASSWORD });
  resources = await runStack("staging", config);
});

describe("the OX connection in the program", () => {
  it("is no input or output of any OX context or user", () => {
    const ox = resources.filter((r) => r.type === TYPES.oxContext || r.type === TYPES.oxUser);
    expect(ox.some((r) => r.type === TYPES.oxUser)).toBe(true);
    for (const r of ox) {
      expect(r.inputs, r.name).not.toHaveProperty("connection");
      expect(r.outputs, r.name).not.toHaveProperty("connection");
    }
  });

  it("leaves no OX password in any resource, secret or not", () => {
    for (const r of resources) {
      const text = JSON.stringify([r.inputs, r.outputs]);
      // Booleans, so a failure names the resource without printing a password.
      expect(text.includes(ADMIN_PASSWORD), `admin password in ${r.type} ${r.name}`).toBe(false);
      expect(text.includes(CONTEXT_ADMIN_PASSWORD), `context admin password in ${r.type} ${r.name}`).toBe(false);
    }
  });

  it("refuses a context admin without password before declaring anything", async () => {
    const config = stackConfig(writeInventory(2), { oxContextAdminUser: "oxadmin" });
    await expect(runStack("staging", config)).rejects.toThrow(
      /Pulumi\.staging\.yaml: config oxContextAdminUser: oxContextAdminUser and oxContextAdminPassword go together/,
    );
  });
});
