import { describe, expect, it } from "vitest";
import { phaseMovesForward } from "../../policies/rules/phase-moves-forward";
import { config, run } from "./helpers";
import { editScript, waveResources, writePhaseLock } from "./lifecycle-fixtures";

const messages = async (records: Parameters<typeof run>[1], cfg?: unknown) => (await run(phaseMovesForward, records, cfg)).map((v) => v.message);

describe("phase-moves-forward branches", () => {
  it("registered under a name or description that does not say what it checks", () => {
    expect(phaseMovesForward.name).toBe("phase-moves-forward");
    expect(phaseMovesForward.enforcementLevel).toBe("mandatory");
    expect(phaseMovesForward.description).toMatch(/backwards against the phase the binding lock records/);
  });
  it("the exact message for a phase moved back without a declared rollback, at the wave's ConfigMap", async () => {
    const lock = writePhaseLock({ w02: "done" });
    const violations = await run(phaseMovesForward, waveResources("w02", { phase: "copying" }), config({ lock }));
    expect(violations).toEqual([
      {
        message: `wave w02 (rule phase-moves-forward): phase moves backwards from done (lock ${lock}) to copying; moving back needs phaseRollback: "<reason>" on the wave in plan.yaml and a reviewed lock change`,
        urn: "urn:pulumi:test::oxmig::kubernetes:core/v1:ConfigMap::pairings-w02",
      },
    ]);
  });
  it("the exact message for a declared rollback the lock does not record yet", async () => {
    const lock = writePhaseLock({ w02: "cut-over" });
    expect(await messages(waveResources("w02", { phase: "copying", phaseRollback: "restore" }), config({ lock }))).toEqual([
      `wave w02 (rule phase-moves-forward): phaseRollback "restore" moves the phase from cut-over back to copying; the lock ${lock} still records cut-over: run \`npx oxmig lock\` and have the rollback reviewed`,
    ]);
  });
  it("without a lock even an unreadable wave is left to bindings-match-lock", async () => {
    const records = waveResources("w02", { phase: "copying" });
    delete records[0]!.props.data["lifecycle.json"];
    expect(await messages(records)).toEqual([]);
  });
  it("with a lock, an unreadable wave is rejected, not crashed on", async () => {
    const records = waveResources("w02", { phase: "copying" });
    delete records[0]!.props.data["lifecycle.json"];
    const lock = writePhaseLock({ w02: "cut-over" });
    expect(await messages(records, config({ lock }))).toEqual([
      'wave w02 (rule phase-moves-forward): cannot check the lifecycle, so the plan is rejected: data["lifecycle.json"] is missing',
    ]);
  });
  it("a hand-edited script is not this rule's concern; the backwards move still is", async () => {
    const records = waveResources("w02", { phase: "copying" });
    editScript(records, "set -u", "set -u\necho edited");
    const lock = writePhaseLock({ w02: "cut-over" });
    const found = await messages(records, config({ lock }));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain("phase moves backwards from cut-over");
  });
});
