import { describe, it } from "vitest";
import { phaseMovesForward } from "../../policies/rules/phase-moves-forward";
import { config, expectNone, expectViolation, run } from "./helpers";
import { waveResources, writePhaseLock } from "./lifecycle-fixtures";
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
