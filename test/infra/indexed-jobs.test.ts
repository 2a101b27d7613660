// The program's migration Jobs under the mock runtime: every declared Job is an Indexed Job whose
// index i runs pair i of its wave's pairing table, with the plan's or the stack's parallelism; every
// state claim is ReadWriteMany on the configured class; and the pack's reader finds nothing to object.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dump, load } from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { K8S, TYPES, type Pairing } from "@oxmig/core/contract";
import { readExecutedMigration } from "@oxmig/core/executed-migration";
import { pairingDigest, PAIRING_DIGEST_ANNOTATION } from "@oxmig/core/job-progress";
import { declaredConfigMap } from "@oxmig/core/pod-files";
import type { DeclaredResource } from "../../engine/types";
import { byType, runStack, stackConfig, writeInventory } from "./program-harness";

type RawPlan = { waves: { name: string; parallelism?: number; mailboxes: unknown[] }[] };
const props = (r: DeclaredResource) => r.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- declared data

let resources: DeclaredResource[];
let plan: RawPlan;

beforeAll(async () => {
  const dir = writeInventory(12, ["fa-luebeck", "im"]);
  const file = join(dir, "plan.yaml");
  plan = load(readFileSync(file, "utf8")) as RawPlan;
  plan.waves[0]!.parallelism = 2;
  writeFileSync(file, dump(plan));
  resources = await runStack("staging", stackConfig(dir, { migrationParallelism: "3", migrationStateStorageClass: "cephfs" }));
}, 200_000);

describe("the program's Indexed Jobs", () => {
  it("one completion per pair, index i = entry i of pairings.json, parallelism from the plan or the stack", () => {
    const jobs = byType(resources, TYPES.job);
    expect(jobs.length).toBe(plan.waves.length);
    for (const wave of plan.waves) {
      const job = props(jobs.find((j) => j.name === `migrate-${wave.name}`)!);
      const configMap = props(byType(resources, TYPES.configMap).find((c) => c.name === `pairings-${wave.name}`)!);
      const pairings = JSON.parse(configMap.data[K8S.pairingsDataKey]) as Pairing[];
      expect(pairings).toHaveLength(wave.mailboxes.length);
      expect(job.spec).toMatchObject({
        completionMode: "Indexed",
        completions: pairings.length,
        parallelism: Math.min(wave.parallelism ?? 3, pairings.length),
        podReplacementPolicy: "Failed",
      });
      expect(job.metadata.annotations[PAIRING_DIGEST_ANNOTATION]).toBe(pairingDigest(pairings));
    }
  });

  it("the pack's reader finds no problem in any declared Job and maps each index to its own pair", () => {
    const maps = byType(resources, TYPES.configMap).map((c) => declaredConfigMap(props(c), c.name));
    for (const job of byType(resources, TYPES.job)) {
      const reading = readExecutedMigration({ name: job.name, props: props(job) }, maps);
      expect([...reading.problems, ...reading.runs.flatMap((r) => r.problems)], job.name).toEqual([]);
      const wave = job.name.replace(/^migrate-/, "");
      const pairings = JSON.parse(maps.find((m) => m.name === `pairings-${wave}`)!.data[K8S.pairingsDataKey] as string) as Pairing[];
      expect(reading.runs.map((r) => [r.index, r.mailboxId, r.targetLogin])).toEqual(pairings.map((p, i) => [i, p.mailboxId, p.targetLogin]));
    }
  });

  it("every state claim is ReadWriteMany on the configured StorageClass", () => {
    const claims = byType(resources, TYPES.persistentVolumeClaim)
      .map(props)
      .filter((c) => c.metadata.name.startsWith("migration-state-"));
    expect(claims).toHaveLength(plan.waves.length);
    for (const c of claims) expect(c.spec).toMatchObject({ accessModes: ["ReadWriteMany"], storageClassName: "cephfs" });
  });
});
