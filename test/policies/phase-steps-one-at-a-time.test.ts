import { describe, expect, it } from "vitest";
import { TYPES } from "@oxmig/core/contract";
import { phaseStepsOneAtATime } from "../../policies/rules/phase-steps-one-at-a-time";
import { buildResources } from "../fixtures/policies/plan";
import { config, expectNone, expectViolation, oxUser, run } from "./helpers";
import { dataOf, editScript, PAIRINGS, waveResources } from "./lifecycle-fixtures";
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
    expectViolation(
      await run(phaseStepsOneAtATime, waveResources("w01", { phase: "done" }), lockOf({})),
      "maria.mueller@fa-luebeck.example",
      "jumps from copying to done, skipping cut-over",
      "phaseSkip",
    );
  });
  it("a mailbox the lock never recorded copying, in a cut-over wave (even a renamed one)", async () => {
    expectViolation(
      await run(phaseStepsOneAtATime, waveResources("w77", { phase: "cut-over" }), lockOf({}, PAIRINGS[1]!.mailboxId)),
      `mailbox ${PAIRINGS[1]!.mailboxId}`,
      "in wave w77",
      "was never copied",
    );
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

describe("phase-steps-one-at-a-time branches", () => {
  const messages = async (records: Parameters<typeof run>[1], cfg: unknown) => (await run(phaseStepsOneAtATime, records, cfg)).map((v) => v.message);
  const JAN = PAIRINGS[1]!.mailboxId;
  const neverCopied = (lock: unknown, wave: string, phase: string) =>
    `in wave ${wave}: the mailbox was never copied (no recorded phase) but its wave is at ${phase} (lock ${lock}); phases move one step at a time: copy first, or declare phaseSkip: "<reason>" on the wave and have the relocked change reviewed`;

  it("registered under a name or description that does not say what it checks", () => {
    expect(phaseStepsOneAtATime.name).toBe("phase-steps-one-at-a-time");
    expect(phaseStepsOneAtATime.enforcementLevel).toBe("mandatory");
    expect(phaseStepsOneAtATime.description).toMatch(/at most one step past the phase the binding lock records/);
  });

  it("a never-copied mailbox is named by its declared address and OX user name, not its login", async () => {
    const users = buildResources().filter((r) => r.type === TYPES.oxUser);
    oxUser(users, JAN).props.name = "jan-ox";
    const cfg = lockOf({}, JAN);
    expect(await messages([...waveResources("w01", { phase: "cut-over" }), ...users], cfg)).toEqual([
      `mailbox jan.schmidt@fa-luebeck.example (owner jan-ox): (rule phase-steps-one-at-a-time) mailbox ${JAN} ${neverCopied(cfg.lock, "w01", "cut-over")}`,
    ]);
  });

  it("a never-copied mailbox without an OX user is named by its id", async () => {
    const cfg = lockOf({}, JAN);
    expect(await messages(waveResources("w01", { phase: "cut-over" }), cfg)).toEqual([
      `mailbox ${JAN}: (rule phase-steps-one-at-a-time) mailbox ${JAN} ${neverCopied(cfg.lock, "w01", "cut-over")}`,
    ]);
  });

  it("an unreadable wave is rejected once, not also checked step by step", async () => {
    const records = waveResources("w01", { phase: "cut-over" });
    delete dataOf(records)["lifecycle.json"];
    expect(await messages(records, lockOf({}, JAN))).toEqual([
      'wave w01 (rule phase-steps-one-at-a-time): cannot check the lifecycle, so the plan is rejected: data["lifecycle.json"] is missing',
    ]);
  });

  it("a hand-edited script is not this rule's concern; the skipped step still is", async () => {
    const records = waveResources("w01", { phase: "cut-over" });
    editScript(records, "set -u", "set -u\necho edited");
    const cfg = lockOf({}, JAN);
    expect(await messages(records, cfg)).toEqual([
      `mailbox ${JAN}: (rule phase-steps-one-at-a-time) mailbox ${JAN} ${neverCopied(cfg.lock, "w01", "cut-over")}`,
    ]);
  });

  it("a copying wave with an unreadable pairing table moves no mailbox forward, so it is left to the other rules", async () => {
    const records = waveResources("w01", { phase: "copying" });
    dataOf(records)["pairings.json"] = "{not json";
    expect(await messages(records, lockOf({}, JAN))).toEqual([]);
  });
});
