import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPolicyPack, type PolicyPackClient } from "../../engine/analyzer-client";
import { openInProcessPack } from "../../engine/in-process-pack";
import { runProgram } from "../../engine/program-process";
import type { DeclaredResource } from "../../engine/types";
import { toGateViolation } from "../../engine/violations";

const FIXTURES = path.resolve(__dirname, "../fixtures/engine");
const PACK = path.join(FIXTURES, "pack");
const BASE = { programModule: path.join(FIXTURES, "program/index.ts"), project: "gatefix", stack: "dev" };

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilStopped(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 20));
  return !isRunning(pid);
}

const names = (vs: readonly { policyName: string; enforcementLevel: string }[]) => vs.map((v) => `${v.policyName}:${v.enforcementLevel}`).sort();

/** After close(): the pack's own process is gone. */
async function processStopped(pack: PolicyPackClient): Promise<void> {
  expect(pack.pid).toBeDefined();
  expect(await waitUntilStopped(pack.pid!)).toBe(true);
}

/** After close(): calls are refused, and a new session of the same pack works. */
async function sessionRefused(pack: PolicyPackClient, resources: DeclaredResource[]): Promise<void> {
  await expect(pack.analyze(resources)).rejects.toThrow(/session of .*engine\/pack is closed/);
  const next = await openInProcessPack(PACK);
  try {
    await next.configure({});
    expect(names(await next.analyze(resources))).toContain("fixture-secret-protected:mandatory");
  } finally {
    next.close();
  }
}

const ENGINES = [
  ["over the analyzer protocol (its own process)", () => startPolicyPack({ packDir: PACK }), processStopped],
  ["in process (the SDK's handlers called directly)", () => openInProcessPack(PACK), sessionRefused],
] as const;

describe.each(ENGINES)("policy pack %s", (_engine, open, closedAsExpected) => {
  let pack: PolicyPackClient;
  let unprotected: DeclaredResource[];
  let previewed: DeclaredResource[];
  beforeAll(async () => {
    [pack, unprotected, previewed] = await Promise.all([
      open(),
      runProgram({ ...BASE, config: { "gatefix:context": "ctx-a", "gatefix:protect": "false" } }),
      runProgram({ ...BASE, config: { "gatefix:context": "ctx-a" }, preview: true, mocksModule: path.join(FIXTURES, "program/mocks-without-result.ts") }),
    ]);
  });
  afterAll(() => pack?.close());

  it("finds in batches, each knowing what came before (the gate's resources as declared), what one call finds", async () => {
    await pack.configure({});
    const known = new Map(unprotected.map((r) => [r.urn, r]));
    const batches = [unprotected.slice(0, 2), unprotected.slice(2)];
    const inBatches = (await Promise.all(batches.map((b) => pack.analyze(b, { known })))).flat();
    expect(names(inBatches)).toEqual(names(await pack.analyze(unprotected)));
    expect(names(inBatches)).toContain("fixture-secret-protected:mandatory");
  });

  it("lists the pack's policies with their levels and config schema", () => {
    expect(pack.name).toBe("gate-fixture-pack");
    expect(pack.policies.map((p) => `${p.name}:${p.enforcementLevel}:${p.kind}`)).toEqual([
      "fixture-secret-protected:mandatory:resource",
      "fixture-secret-has-key:mandatory:resource",
      "fixture-context-label:advisory:resource",
      "fixture-secret-depends-on-key:mandatory:stack",
    ]);
    expect(pack.policies[2]?.configSchema).toEqual({ expectedContext: { type: "string" } });
  });

  it("reports an unprotected Secret as mandatory and a wrong context label as advisory", async () => {
    await pack.configure({ "fixture-context-label": { expectedContext: "ctx-b" } });
    const violations = await pack.analyze(unprotected);
    expect(names(violations)).toEqual(["fixture-context-label:advisory", "fixture-secret-protected:mandatory"]);
    const protect = toGateViolation(violations.find((v) => v.policyName === "fixture-secret-protected")!);
    expect(protect).toMatchObject({ mailbox: "userdb", identity: "fixture-owner", file: "plan.yaml", line: 3, message: "Secret must be protected" });
    expect(protect.urn).toMatch(/::userdb$/);
  });

  it("passes config to the rules through Configure (matching context: no advisory)", async () => {
    await pack.configure({ "fixture-context-label": { expectedContext: "ctx-a" } });
    expect(names(await pack.analyze(unprotected))).toEqual(["fixture-secret-protected:mandatory"]);
  });

  it("keeps a mandatory policy mandatory when its config sets only properties", async () => {
    await pack.configure({ "fixture-secret-protected": { unrelated: true } });
    expect(names(await pack.analyze(unprotected))).toContain("fixture-secret-protected:mandatory");
  });

  it("lets config lower a policy's level, as --policy-pack-config does", async () => {
    await pack.configure({ "fixture-secret-protected": "advisory", "fixture-context-label": "disabled" });
    expect(names(await pack.analyze(unprotected))).toEqual(["fixture-secret-protected:advisory"]);
  });

  it("refuses config for a policy the pack does not have", async () => {
    await expect(pack.configure({ "fixture-typo": "mandatory" })).rejects.toThrow(/unknown policies: fixture-typo/);
  });

  it("runs stack policies over dependencies and config", async () => {
    await pack.configure({ "fixture-secret-depends-on-key": { maxResources: 2 } });
    const stack = await pack.analyzeStack(unprotected);
    expect(stack.map((v) => toGateViolation(v).message)).toEqual(["Stack declares 4 resources, more than 2"]);
    const withoutDependency = unprotected.map((r) => (r.type === "kubernetes:core/v1:Secret" ? { ...r, dependencies: [] } : r));
    await pack.configure({});
    expect((await pack.analyzeStack(withoutDependency)).map((v) => `${v.enforcementLevel}:${toGateViolation(v).message}`)).toEqual([
      "mandatory:Secret must depend on a key",
    ]);
  });

  it("FAILS OPEN on unknowns: a mandatory rule reading an unknown value comes back advisory", async () => {
    await pack.configure({ "fixture-context-label": { expectedContext: "ctx-a" } });
    const violations = await pack.analyze(previewed);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ policyName: "fixture-secret-has-key", enforcementLevel: "advisory" });
    expect(violations[0]?.message).toMatch(/^can't run policy 'fixture-secret-has-key' from policy pack 'gate-fixture-pack@v0\.0\.1' during preview/);
  });

  it("unwraps secret inputs for rules, as the engine does: the key check sees the plaintext key", async () => {
    await pack.configure({ "fixture-context-label": { expectedContext: "ctx-a" } });
    const violations = await pack.analyze(unprotected);
    expect(violations.map((v) => v.policyName)).not.toContain("fixture-secret-has-key");
  });

  it("close() ends the session: the pack's process stops, or the in-process session refuses further calls", async () => {
    const own = await open();
    try {
      await own.configure({});
      expect(names(await own.analyze(unprotected))).toContain("fixture-secret-protected:mandatory");
    } finally {
      own.close();
    }
    await closedAsExpected(own, unprotected);
  });
});

describe("in-process policy packs", () => {
  it("keeps interleaved sessions apart: each call runs under its own session's config", async () => {
    const [unprotected] = await Promise.all([runProgram({ ...BASE, config: { "gatefix:context": "ctx-a", "gatefix:protect": "false" } })]);
    const [wrongContext, rightContext] = [await openInProcessPack(PACK), await openInProcessPack(PACK)];
    try {
      await wrongContext.configure({ "fixture-context-label": { expectedContext: "ctx-b" } });
      await rightContext.configure({ "fixture-context-label": { expectedContext: "ctx-a" } });
      const [a, b] = await Promise.all([wrongContext.analyze(unprotected!), rightContext.analyze(unprotected!)]);
      expect(names(a)).toContain("fixture-context-label:advisory");
      expect(names(b)).not.toContain("fixture-context-label:advisory");
      expect(names(await wrongContext.analyze(unprotected!))).toContain("fixture-context-label:advisory");
    } finally {
      wrongContext.close();
      rightContext.close();
    }
  });

  it("loads two different packs side by side (the SDK allows one per module instance)", async () => {
    const fixture = await openInProcessPack(PACK);
    fixture.close();
    const real = await openInProcessPack(path.resolve(__dirname, "../../policies"));
    try {
      expect(real.name).toBe("oxmig-bindings");
      expect(real.policies.length).toBeGreaterThan(10);
    } finally {
      real.close();
    }
  });

  it("shows the pack's own error when it fails while loading", async () => {
    await expect(openInProcessPack(path.join(FIXTURES, "broken-pack"))).rejects.toThrow(/broken pack fixture/);
  });

  it("names the pack when its index.ts constructs no PolicyPack", async () => {
    await expect(openInProcessPack(path.join(FIXTURES, "no-pack"))).rejects.toThrow(/engine\/no-pack constructed no PolicyPack/);
  });
});

describe("policy pack process", () => {
  it("starts the same pack with tsx instead of the CLI's ts-node", async () => {
    const pack = await startPolicyPack({ packDir: PACK, loader: "tsx" });
    try {
      expect(pack.policies).toHaveLength(4);
    } finally {
      pack.close();
    }
  });

  it("names the pack and shows its error when it dies before listening", async () => {
    await expect(startPolicyPack({ packDir: path.join(FIXTURES, "broken-pack") })).rejects.toThrow(
      /engine\/broken-pack exited with \d+ before listening[\s\S]*broken pack fixture/,
    );
  });
});
