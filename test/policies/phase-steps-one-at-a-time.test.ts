import { describe, it } from "vitest";
import { phaseStepsOneAtATime } from "../../policies/rules/phase-steps-one-at-a-time";
import { config, expectNone, expectViolation, run } from "./helpers";
import { dataOf, PAIRINGS, waveResources } from "./lifecycle-fixtures";
import { phasedEntries, writeHistoryLock } from "./lock-history-fixtures";

const lockOf = (phases: Record<string, "copying" | "cut-over" | "done">, drop?: string) =>
  config({ lock: writeHistoryLock({ mailboxes: phasedEntries(phases).filter((e) => e.mailbox !== drop) }) });

describe("phase-steps-one-at-a-time", () => {
  it("accepts one step forward per mailbox, and the recorded phase itself", async () => {
    expectNone(await run(phaseStepsOneAtATime, waveResources("w01", { phase: "cut-over" }), lockOf({})));
    expectNone(await run(phaseStepsOneAtATime, waveResources("w01", { phase: "done" }), lockOf({ w01: "cut-over" })));
    expectNone(await run(phaseStepsOneAtATime, waveResources("w01", { phase: "done" }), lockOf({ w01: "done" })));
  });
  it("accepts a new mailbox in a copying wave", async () => {
    expectNone(await run(phaseStepsOneAtATime, waveResources("w01", { phase: "copying" }), lockOf({}, PAIRINGS[1]!.mailboxId)));
  });
  it("copying straight to done skips the post-cut-over sync", async () => {
    expectViolation(await run(phaseStepsOneAtATime, waveResources("w01", { phase: "done" }), lockOf({})), "maria.mueller@fa-luebeck.example", "jumps from copying to done, skipping cut-over", "phaseSkip");
  });
  it("a mailbox the lock never recorded copying, in a cut-over wave (even a renamed one)", async () => {
    expectViolation(await run(phaseStepsOneAtATime, waveResources("w77", { phase: "cut-over" }), lockOf({}, PAIRINGS[1]!.mailboxId)), `mailbox ${PAIRINGS[1]!.mailboxId}`, "in wave w77", "was never copied");
  });
  it("fails closed when the pairing table of a cut-over wave cannot be read", async () => {
    const records = waveResources("w01", { phase: "cut-over" });
    dataOf(records)["pairings.json"] = "{not json";
    expectViolation(await run(phaseStepsOneAtATime, records, lockOf({})), "wave w01", "cannot tell which mailboxes");
  });
  it("does nothing without a lock", async () => {
    expectNone(await run(phaseStepsOneAtATime, waveResources("w01", { phase: "done" })));
  });
});
