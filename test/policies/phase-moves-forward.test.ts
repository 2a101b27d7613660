import { describe, it, expect } from "vitest";
import { phaseMovesForward } from "../../policies/rules/phase-moves-forward";
import { config, expectNone, expectViolation, run } from "./helpers";
import { waveResources, writePhaseLock, editScript } from "./lifecycle-fixtures";
import { phasedEntries, writeHistoryLock } from "./lock-history-fixtures";

describe("phase-moves-forward", () => {
  it("accepts equal and forward phases, and waves the lock does not know", async () => {
    const lock = writePhaseLock({ w01: "copying", w02: "cut-over" });
    const records = [
      ...waveResources("w01", { phase: "cut-over" }),
      ...waveResources("w02", { phase: "cut-over" }),
      ...waveResources("w09", { phase: "copying" }),
    ];
    expectNone(await run(phaseMovesForward, records, config({ lock })));
  });
  it("cut-over back to copying against the lock", async () => {
    const lock = writePhaseLock({ w02: "cut-over" });
    expectViolation(
      await run(phaseMovesForward, waveResources("w02", { phase: "copying" }), config({ lock })),
      "wave w02",
      "rule phase-moves-forward",
      "from cut-over",
      "to copying",
      "phaseRollback",
    );
  });
  it("a declared rollback is still refused until the lock records it", async () => {
    const lock = writePhaseLock({ w02: "done" });
    const records = waveResources("w02", { phase: "cut-over", phaseRollback: "target backend restored from backup" });
    expectViolation(await run(phaseMovesForward, records, config({ lock })), "wave w02", 'phaseRollback "target backend restored from backup"', "oxmig lock");
    expectNone(await run(phaseMovesForward, records, config({ lock: writePhaseLock({ w02: "cut-over" }) })));
  });
  it("a cut-over mailbox moved into another wave, or its wave renamed, set back to copying: named per mailbox", async () => {
    const lock = writeHistoryLock({ mailboxes: phasedEntries({ w01: "cut-over" }) });
    const violations = await run(phaseMovesForward, waveResources("w05", { phase: "copying" }), config({ lock }));
    expectViolation(violations, "jan.schmidt@fa-luebeck.example", "in wave w05 (locked in wave w01)", "from cut-over", "to copying");
  });
  it("accepts a mailbox whose lock records the rollback", async () => {
    const lock = writeHistoryLock({ mailboxes: phasedEntries({ w01: "copying" }) });
    expectNone(await run(phaseMovesForward, waveResources("w05", { phase: "copying", phaseRollback: "failed cut-over" }), config({ lock })));
  });
  it("without a lock there is nothing to compare (bindings-match-lock requires one in prod)", async () => {
    expectNone(await run(phaseMovesForward, waveResources("w02", { phase: "copying" })));
  });
});

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
