// `oxmig policy-config`: the --policy-pack-config file for the real Pulumi CLI must configure every
// policy the pack reports, with the settings and levels the gate itself sends.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { stackPolicyConfig } from "../../cli/commands/policy-config";
import { main } from "../../cli/main";
import { startPolicyPack } from "../../engine/analyzer-client";
import { ALL_POLICIES } from "../../policies/all";
import { ROOT } from "../cli/support/inventory-mistakes";

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe("oxmig policy-config", () => {
  it("configures exactly the policies the running pack reports, each with the pack's level", async () => {
    const config = stackPolicyConfig("staging", ROOT);
    const pack = await startPolicyPack({ packDir: path.join(ROOT, "policies") });
    try {
      expect(Object.keys(config).sort()).toEqual(pack.policies.map((p) => p.name).sort());
      for (const p of pack.policies) expect((config[p.name] as { enforcementLevel: string }).enforcementLevel, p.name).toBe(p.enforcementLevel);
      await pack.configure(config);
    } finally {
      pack.close();
    }
  });

  it("gives every policy the stack's exports and lock as project-relative paths", () => {
    const config = stackPolicyConfig("staging", ROOT);
    expect(config["source-match-strength"]).toEqual({
      enforcementLevel: "advisory",
      directory: "inventory/staging/directory.ldif",
      exchange: "inventory/staging/exchange.csv",
      lock: "inventory/staging/bindings.lock.yaml",
      stackKind: "staging",
      productionDomains: [],
      mailRoot: "/var/vmail",
      contextOrganisations: {},
    });
    expect(new Set(Object.values(config).map((c) => JSON.stringify({ ...(c as object), enforcementLevel: undefined }))).size).toBe(1);
    expect(Object.keys(config)).toEqual(ALL_POLICIES.map((p) => p.name));
  });

  it("marks a prod shard as prod and writes the file with --out", async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "oxmig-policy-config-")), "policy-config.prod-fa.json");
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(await main(["node", "oxmig", "policy-config", "--stack", "prod-fa", "--out", out])).toBe(0);
    const written = JSON.parse(fs.readFileSync(out, "utf8"));
    expect(written["bindings-match-lock"]).toMatchObject({ enforcementLevel: "mandatory", stackKind: "prod", lock: "inventory/prod/bindings.lock.yaml" });
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });
});
