import { describe, it } from "vitest";
import { phaseMovesForward } from "../../policies/rules/phase-moves-forward";
import { config, expectNone, expectViolation, run } from "./helpers";
import { waveResources, writePhaseLock } from "./lifecycle-fixtures";

describe("phase-moves-forward", () => {
  it("accepts equal and forward phases, and waves the lock does not know", async () => {
    const lock = writePhaseLock({ w01: "copying", w02: "cut-over" });
    const records = [...waveResources("w01", { phase: "cut-over" }), ...waveResources("w02", { phase: "cut-over" }), ...waveResources("w09", { phase: "copying" })];
    expectNone(await run(phaseMovesForward, records, config({ lock })));
  });
  it("cut-over back to copying against the lock", async () => {
    const lock = writePhaseLock({ w02: "cut-over" });
    expectViolation(await run(phaseMovesForward, waveResources("w02", { phase: "copying" }), config({ lock })), "wave w02", "rule phase-moves-forward", "from cut-over", "to copying", "phaseRollback");
  });
  it("a declared rollback is still refused until the lock records it", async () => {
    const lock = writePhaseLock({ w02: "done" });
    const records = waveResources("w02", { phase: "cut-over", phaseRollback: "target backend restored from backup" });
    expectViolation(await run(phaseMovesForward, records, config({ lock })), "wave w02", 'phaseRollback "target backend restored from backup"', "oxmig lock");
    expectNone(await run(phaseMovesForward, records, config({ lock: writePhaseLock({ w02: "cut-over" }) })));
  });
  it("without a lock there is nothing to compare (bindings-match-lock requires one in prod)", async () => {
    expectNone(await run(phaseMovesForward, waveResources("w02", { phase: "copying" })));
  });
});
