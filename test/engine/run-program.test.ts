import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runProgram } from "../../engine/program-process";
import type { DeclaredResource } from "../../engine/types";
import { UNKNOWN } from "../../engine/types";

const PROGRAM = path.resolve(__dirname, "../fixtures/engine/program/index.ts");
const NO_RESULT_MOCKS = path.resolve(__dirname, "../fixtures/engine/program/mocks-without-result.ts");
const STACK_URN = "urn:pulumi:dev::gatefix::pulumi:pulumi:Stack::gatefix-dev";
const SECRET_URN = "urn:pulumi:dev::gatefix::gatefixture:index:Bundle$kubernetes:core/v1:Secret::userdb";
const KEY_URN = "urn:pulumi:dev::gatefix::random:index/randomPassword:RandomPassword::key-alpha";
const BASE = { programModule: PROGRAM, project: "gatefix", stack: "dev" };

function byType(resources: readonly DeclaredResource[], type: string): DeclaredResource {
  const found = resources.find((r) => r.type === type);
  if (!found) throw new Error(`no ${type} among ${resources.map((r) => r.urn).join(", ")}`);
  return found;
}

describe("runProgram (program under Pulumi mocks in a child process)", () => {
  let resources: DeclaredResource[];
  let again: DeclaredResource[];
  beforeAll(async () => {
    [resources, again] = await Promise.all([
      runProgram({ ...BASE, config: { "gatefix:context": "ctx-a" } }),
      runProgram({ ...BASE, config: { "gatefix:context": "ctx-a" } }),
    ]);
  });

  it("misses no resource and parents them like the engine (root stack not in child URNs)", () => {
    expect(resources.map((r) => r.urn)).toEqual([STACK_URN, "urn:pulumi:dev::gatefix::gatefixture:index:Bundle::bundle", KEY_URN, SECRET_URN]);
    expect(byType(resources, "kubernetes:core/v1:Secret").parent).toBe("urn:pulumi:dev::gatefix::gatefixture:index:Bundle::bundle");
  });

  it("loses no resource option the policies read", () => {
    const secret = byType(resources, "kubernetes:core/v1:Secret");
    expect(secret.options).toMatchObject({
      protect: true,
      retainOnDelete: true,
      ignoreChanges: ["metadata.annotations"],
      additionalSecretOutputs: ["data", "stringData"],
    });
    expect(byType(resources, "random:index/randomPassword:RandomPassword").options.protect).toBe(false);
  });

  it("keeps dependsOn and property dependencies", () => {
    const secret = byType(resources, "kubernetes:core/v1:Secret");
    expect(secret.dependencies).toEqual([KEY_URN]);
    expect(secret.propertyDependencies["stringData"]).toEqual([KEY_URN]);
  });

  it("unwraps the key into the Secret's inputs but remembers that it is secret", () => {
    const key = byType(resources, "random:index/randomPassword:RandomPassword");
    const secret = byType(resources, "kubernetes:core/v1:Secret");
    const result = key.outputs["result"];
    expect(typeof result).toBe("string");
    expect(result).toHaveLength(32);
    expect(key.secretOutputPaths).toContainEqual(["result"]);
    expect(secret.inputs["stringData"]).toEqual({ passwd: result });
    expect(secret.secretInputPaths).toEqual([["stringData"]]);
  });

  it("gives components their registered outputs and no id", () => {
    const bundle = byType(resources, "gatefixture:index:Bundle");
    expect(bundle.outputs).toEqual({ label: "ctx-a" });
    expect(bundle.id).toBeUndefined();
    expect(byType(resources, "pulumi:pulumi:Stack").outputs).toEqual({ keyName: KEY_URN });
  });

  it("hands each resource over once as soon as it is declared; components and the stack end with their final outputs", async () => {
    const batches: DeclaredResource[][] = [];
    const streamed = await runProgram({ ...BASE, config: { "gatefix:context": "ctx-a" }, streamBatch: 1, onDeclared: (batch) => batches.push([...batch]) });
    const early = batches.flat();
    expect(early.map((r) => r.urn).sort()).toEqual(resources.map((r) => r.urn).sort());
    expect(streamed.map((r) => r.urn)).toEqual(resources.map((r) => r.urn));
    const bundleEarly = early.find((r) => r.type === "gatefixture:index:Bundle")!;
    expect(bundleEarly.outputs).toEqual({});
    expect(byType(streamed, "gatefixture:index:Bundle").outputs).toEqual({ label: "ctx-a" });
    expect(byType(streamed, "pulumi:pulumi:Stack").outputs).toEqual({ keyName: KEY_URN });
    expect(byType(streamed, "kubernetes:core/v1:Secret")).toEqual(early.find((r) => r.type === "kubernetes:core/v1:Secret"));
  });

  it("derives fake keys from a per-run salt, so two runs never share key material", () => {
    const first = byType(resources, "random:index/randomPassword:RandomPassword").outputs["result"];
    const second = byType(again, "random:index/randomPassword:RandomPassword").outputs["result"];
    expect(first).not.toBe(second);
  });

  it("reports a missing config value as the program's error", async () => {
    await expect(runProgram({ ...BASE, config: {} })).rejects.toThrow(/Missing required configuration variable 'gatefix:context'/);
  });

  it("stops the child when the caller aborts (the gate found its inputs invalid meanwhile)", async () => {
    const stop = new AbortController();
    const run = runProgram({ ...BASE, config: { "gatefix:context": "ctx-a" }, signal: stop.signal });
    stop.abort("the stack's inputs are invalid");
    await expect(run).rejects.toThrow(/stopped before it finished: the stack's inputs are invalid/);
  });

  it("in preview, an output the mocks do not return reaches inputs as the unknown sentinel", async () => {
    const preview = await runProgram({ ...BASE, config: { "gatefix:context": "ctx-a" }, preview: true, mocksModule: NO_RESULT_MOCKS });
    expect(byType(preview, "kubernetes:core/v1:Secret").inputs["stringData"]).toBe(UNKNOWN);
  });
});
