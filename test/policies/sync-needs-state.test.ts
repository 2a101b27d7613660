import { describe, it } from "vitest";
import { TYPES } from "../../core/contract";
import { syncNeedsState } from "../../policies/rules/sync-needs-state";
import { expectNone, expectViolation, run } from "./helpers";
import { editLifecycle, editScript, waveResources } from "./lifecycle-fixtures";

const jobOf = (records: ReturnType<typeof waveResources>) => records.find((r) => r.type === TYPES.job)!;

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
