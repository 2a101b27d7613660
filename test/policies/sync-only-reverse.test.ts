import { describe, it } from "vitest";
import { syncOnlyReverse } from "../../policies/rules/sync-only-reverse";
import { expectNone, expectViolation, run } from "./helpers";
import { editScript, waveResources } from "./lifecycle-fixtures";

describe("sync-only-reverse", () => {
  it("accepts the rendered backup -R and sync -1 -R", async () => {
    expectNone(await run(syncOnlyReverse, [...waveResources("w01", { phase: "copying" }), ...waveResources("w02", { phase: "cut-over" })]));
  });
  it("sync -1 without -R (target → source)", async () => {
    const records = waveResources("w02", { phase: "cut-over" });
    editScript(records, "'sync' '-1' '-R'", "'sync' '-1'");
    expectViolation(await run(syncOnlyReverse, records), "wave w02", "rule sync-only-reverse", "without -R");
  });
  it("a two-way sync -R without -1", async () => {
    const records = waveResources("w02", { phase: "cut-over" });
    editScript(records, "'sync' '-1' '-R'", "'sync' '-R'");
    expectViolation(await run(syncOnlyReverse, records), "wave w02", "without -1 is two-way");
  });
  it("accepts -1R clustered, rejects backup without -R and other subcommands", async () => {
    const clustered = waveResources("w02", { phase: "cut-over" });
    editScript(clustered, /'sync' '-1' '-R'/g, "'sync' '-1R'");
    expectNone(await run(syncOnlyReverse, clustered));
    const forward = waveResources("w01", { phase: "copying" });
    editScript(forward, "'backup' '-R'", "'backup'");
    expectViolation(await run(syncOnlyReverse, forward), "wave w01", "doveadm backup without -R");
    const other = waveResources("w01", { phase: "copying" });
    editScript(other, "'backup' '-R' '-s' ''", "'expunge'");
    expectViolation(await run(syncOnlyReverse, other), "runs doveadm expunge");
  });
});
