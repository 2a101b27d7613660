// The program derives each wave's lifecycle from its phase, and the gate refuses a wave whose
// phase moved back against the lock (it would run backup -R on targets that already get mail).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dump, load } from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { K8S, TYPES } from "@oxmig/core/contract";
import { parseDoveadm } from "@oxmig/core/doveadm-argv";
import { LIFECYCLE_DATA_KEY } from "@oxmig/core/lifecycle";
import { MIGRATION_PATHS } from "@oxmig/core/migration-script";
import { readMigrationScript } from "@oxmig/core/script-reader";
import { lockCommand } from "../../cli/commands/lock";
import { runGate } from "../../gate/run-gate";
import type { DeclaredResource } from "../../engine/types";
import { byType, runStack, stackConfig, writeInventory } from "./program-harness";

type RawPlan = { waves: { name: string; phase?: string }[] };
const PHASES = ["copying", "cut-over", "done"] as const;

function setPhases(dir: string, phase: (index: number) => string): string[] {
  const file = join(dir, "plan.yaml");
  const plan = load(readFileSync(file, "utf8")) as RawPlan;
  plan.waves.forEach((w, i) => (w.phase = phase(i)));
  writeFileSync(file, dump(plan));
  return plan.waves.map((w) => w.name);
}

const props = (r: DeclaredResource) => r.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("the program's wave lifecycle", () => {
  let resources: DeclaredResource[];
  let waves: string[];
  beforeAll(async () => {
    const dir = writeInventory(12, ["fa-luebeck", "im", "lkn"]);
    waves = setPhases(dir, (i) => PHASES[i % 3]!);
    resources = await runStack("staging", stackConfig(dir));
  }, 200_000);

  it("copying runs backup -R, cut-over sync -1 -R with state, done has no Job; every wave keeps its state claim", () => {
    expect(waves.length).toBeGreaterThanOrEqual(3);
    const jobs = byType(resources, TYPES.job);
    const claims = byType(resources, TYPES.persistentVolumeClaim).map((r) => props(r).metadata.name);
    waves.forEach((wave, i) => {
      const phase = PHASES[i % 3]!;
      const configMap = byType(resources, TYPES.configMap).find((r) => r.name === `pairings-${wave}`)!;
      const data = props(configMap).data as Record<string, string>;
      expect(props(configMap).metadata.annotations[K8S.annotationPhase]).toBe(phase);
      const lifecycle = JSON.parse(data[LIFECYCLE_DATA_KEY]!);
      const verbs = readMigrationScript(data["migrate.sh"]!, wave, phase).commands.map((c) => parseDoveadm(c.argv).verb);
      const job = jobs.find((j) => j.name === `migrate-${wave}`);
      expect(claims).toContain(`migration-state-${wave}`);
      if (phase === "done") {
        expect([lifecycle.mode, lifecycle.canaries, job, verbs]).toEqual(["none", true, undefined, []]);
        return;
      }
      expect(verbs.length).toBeGreaterThan(0);
      expect(new Set(verbs)).toEqual(new Set([phase === "copying" ? "backup" : "sync"]));
      expect(lifecycle).toMatchObject({
        mode: phase === "copying" ? "backup-reverse" : "sync-reverse-stateful",
        stateVolume: `migration-state-${wave}`,
        canaries: phase !== "copying",
      });
      const spec = props(job!).spec.template.spec;
      expect(spec.volumes).toContainEqual({ name: "state", persistentVolumeClaim: { claimName: `migration-state-${wave}` } });
      expect(spec.containers[0].volumeMounts).toContainEqual({ name: "state", mountPath: MIGRATION_PATHS.stateDir });
    });
  });
});

describe("the gate on a phase moved back against the lock", () => {
  it("rejects a wave locked at cut-over whose plan says copying again (backup -R after cut-over)", async () => {
    const dir = writeInventory(6, ["fa-luebeck"]);
    const out = process.stdout.write;
    process.stdout.write = () => true;
    try {
      // Copied first, then cut over: the lock records each step (a first lock at cut-over is refused).
      setPhases(dir, () => "copying");
      expect(lockCommand({ stack: "staging", inventory: dir })).toBe(0);
      setPhases(dir, () => "cut-over");
      expect(lockCommand({ stack: "staging", inventory: dir })).toBe(0);
    } finally {
      process.stdout.write = out;
    }
    const [wave] = setPhases(dir, () => "copying");
    const { result } = await runGate("staging", { inventoryDir: dir });
    const texts = result.violations.filter((v) => v.level === "mandatory").map((v) => `${v.policy}: ${v.message}`);
    expect(texts).toContainEqual(expect.stringMatching(new RegExp(`^phase-moves-forward: .*wave ${wave} .*from cut-over .* to copying`)));
    expect(texts).toContainEqual(expect.stringMatching(new RegExp(`^no-backup-after-cut-over: .*wave ${wave} .*runs doveadm backup`)));
  }, 200_000);
});
