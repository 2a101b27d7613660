import { describe, it, expect } from "vitest";
import { TYPES } from "@oxmig/core/contract";
import { syncNeedsState } from "../../policies/rules/sync-needs-state";
import { expectNone, expectViolation, run } from "./helpers";
import { editLifecycle, editScript, waveResources, PAIRINGS } from "./lifecycle-fixtures";
import type { ResourceRecord } from "../fixtures/policies/plan";

describe("sync-needs-state", () => {
  it("accepts a cut-over sync reading the saved state from the mounted claim", async () => {
    expectNone(await run(syncNeedsState, [...waveResources("w01", { phase: "copying" }), ...waveResources("w02", { phase: "cut-over" })]));
  });
  it("a sync with an empty state (full sync, duplicates mail)", async () => {
    const records = waveResources("w02", { phase: "cut-over" });
    editScript(records, "'-s' '@state@'", "'-s' ''");
    expectViolation(await run(syncNeedsState, records), "wave w02", "rule sync-needs-state", "would duplicate mail");
  });
  it("a sync without -s, or marked fresh", async () => {
    const none = waveResources("w02", { phase: "cut-over" });
    editScript(none, "'-s' '@state@' ", "");
    expectViolation(await run(syncNeedsState, none), "without -s <state>");
    const fresh = waveResources("w02", { phase: "cut-over" });
    editScript(fresh, "'needs-state'", "'fresh'");
    expectViolation(await run(syncNeedsState, fresh), "marked fresh");
  });
  it("a state volume that is missing, unmounted or read-only", async () => {
    const noClaim = waveResources("w02", { phase: "cut-over" }).filter((r) => r.type !== TYPES.persistentVolumeClaim);
    expectViolation(await run(syncNeedsState, noClaim), "is not a PersistentVolumeClaim of this stack");
    const unmounted = waveResources("w02", { phase: "cut-over" });
    jobOf(unmounted).props.spec.template.spec.containers[0].volumeMounts.pop();
    expectViolation(await run(syncNeedsState, unmounted), "does not mount migration-state-w02");
    const readOnly = waveResources("w02", { phase: "cut-over" });
    jobOf(readOnly).props.spec.template.spec.containers[0].volumeMounts[1].readOnly = true;
    expectViolation(await run(syncNeedsState, readOnly), "read-only");
    const noVolume = waveResources("w02", { phase: "cut-over" });
    editLifecycle(noVolume, (l) => {
      delete l.stateVolume;
    });
    expectViolation(await run(syncNeedsState, noVolume), "names no stateVolume");
  });
});

const messages = async (records: readonly ResourceRecord[]) => (await run(syncNeedsState, records)).map((v) => v.message);
const cutOver = () => waveResources("w02", { phase: "cut-over" });
const jobOf = (records: readonly ResourceRecord[]) => records.find((r) => r.type === TYPES.job)!;
const mountsOf = (records: readonly ResourceRecord[]) => jobOf(records).props.spec.template.spec.containers[0].volumeMounts as Record<string, unknown>[];
const STATE_DIR = "/var/lib/oxmig/state";
/** One message per pair of the wave, in pair order. */
const perPair = (text: (id: string) => string) => PAIRINGS.map((p) => `wave w02 (rule sync-needs-state): mailbox ${p.mailboxId}: ${text(p.mailboxId)}`);

describe("sync-needs-state branches", () => {
  it("registered under a name or description that does not say what it checks", () => {
    expect(syncNeedsState.name).toBe("sync-needs-state");
    expect(syncNeedsState.enforcementLevel).toBe("mandatory");
    expect(syncNeedsState.description).toMatch(/saved state .*writable PersistentVolumeClaim/);
  });
  it("the exact messages for an empty or missing -s, nothing else judged after them", async () => {
    const empty = cutOver().filter((r) => r.type !== TYPES.job);
    editScript(empty, /'-s' '@state@'/g, "'-s' ''");
    expect(await messages(empty)).toEqual(perPair(() => `doveadm sync -s "" is not the pair's saved state (@state@); it would duplicate mail`));
    const none = cutOver().filter((r) => r.type !== TYPES.job);
    editScript(none, /'-s' '@state@' /g, "");
    expect(await messages(none)).toEqual(perPair(() => "doveadm sync runs without -s <state>; it would duplicate mail"));
  });
  it("a fresh sync is reported and its volume still checked", async () => {
    const records = cutOver().filter((r) => r.type !== TYPES.persistentVolumeClaim);
    editScript(records, /'needs-state'/g, "'fresh'");
    expect(await messages(records)).toEqual(
      PAIRINGS.flatMap((p) => [
        `wave w02 (rule sync-needs-state): mailbox ${p.mailboxId}: the sync is marked fresh; a pair without a saved state must fail, not sync`,
        `wave w02 (rule sync-needs-state): mailbox ${p.mailboxId}: the state volume migration-state-w02 is not a PersistentVolumeClaim of this stack`,
      ]),
    );
  });
  it("no stateVolume: that alone is reported", async () => {
    const records = cutOver().filter((r) => r.type !== TYPES.job);
    editLifecycle(records, (l) => void delete l.stateVolume);
    expect(await messages(records)).toEqual(perPair(() => "lifecycle.json names no stateVolume to keep the sync state in"));
  });
  it("a wave without a Job: nothing mounts the state", async () => {
    expect(await messages(cutOver().filter((r) => r.type !== TYPES.job))).toEqual(
      perPair(() => "no Job of the wave mounts the state volume migration-state-w02"),
    );
  });
  it("the claim mounted elsewhere, or another claim at the state directory", async () => {
    const elsewhere = cutOver();
    mountsOf(elsewhere)[1]!.mountPath = "/var/lib/oxmig";
    const expected = perPair((id) => `Job migrate-w02 does not mount migration-state-w02 at ${STATE_DIR}, where the state file ${STATE_DIR}/${id}.state lives`);
    expect(await messages(elsewhere)).toEqual(expected);
    const otherClaim = cutOver();
    jobOf(otherClaim).props.spec.template.spec.volumes[1].persistentVolumeClaim.claimName = "scratch";
    expect(await messages(otherClaim)).toEqual(expected);
  });
  it("trailing slashes on the mount path are the same directory", async () => {
    const records = cutOver();
    mountsOf(records)[1]!.mountPath = `${STATE_DIR}//`;
    expect(await messages(records)).toEqual([]);
  });
  it("the exact read-only message, per Job", async () => {
    const records = cutOver();
    const second = structuredClone(jobOf(records));
    second.name = "migrate-w02-retry";
    second.props.spec.template.spec.containers[0].volumeMounts[1].readOnly = true;
    expect(await messages([...records, second])).toEqual(
      perPair(() => "Job migrate-w02-retry mounts migration-state-w02 read-only; the new state could not be saved"),
    );
  });
  it("a wave whose lifecycle cannot be read is rejected, not crashed on", async () => {
    const records = cutOver();
    delete records[0]!.props.data["lifecycle.json"];
    expect(await messages(records)).toEqual([
      'wave w02 (rule sync-needs-state): cannot check the lifecycle, so the plan is rejected: data["lifecycle.json"] is missing',
    ]);
  });
});
