import { describe, it, expect } from "vitest";
import { syncOnlyReverse } from "../../policies/rules/sync-only-reverse";
import { expectNone, expectViolation, run } from "./helpers";
import { editScript, waveResources, PAIRINGS } from "./lifecycle-fixtures";
import type { ResourceRecord } from "../fixtures/policies/plan";

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

const messages = async (records: readonly ResourceRecord[]) => (await run(syncOnlyReverse, records)).map((v) => v.message);
const perPair = (wave: string, text: string) => PAIRINGS.map((p) => `wave ${wave} (rule sync-only-reverse): mailbox ${p.mailboxId}: ${text}`);
function edited(wave: string, phase: "copying" | "cut-over", from: RegExp, to: string): ResourceRecord[] {
  const records = waveResources(wave, { phase });
  editScript(records, from, to);
  return records;
}

describe("sync-only-reverse branches", () => {
  it("registered under a name or description that does not say what it checks", () => {
    expect(syncOnlyReverse.name).toBe("sync-only-reverse");
    expect(syncOnlyReverse.enforcementLevel).toBe("mandatory");
    expect(syncOnlyReverse.description).toMatch(/one-way with -1 -R/);
  });
  it("the exact messages for each wrong direction, at the wave's ConfigMap", async () => {
    const violations = await run(syncOnlyReverse, edited("w01", "copying", /'backup' '-R'/g, "'backup'"));
    expect(violations.map((v) => v.message)).toEqual(perPair("w01", "doveadm backup without -R writes target → source (Exchange); every run must carry -R"));
    expect(new Set(violations.map((v) => v.urn))).toEqual(new Set(["urn:pulumi:test::oxmig::kubernetes:core/v1:ConfigMap::pairings-w01"]));
    expect(await messages(edited("w02", "cut-over", /'sync' '-1' '-R'/g, "'sync' '-1'"))).toEqual(
      perPair("w02", "doveadm sync without -R writes target → source (Exchange); every run must carry -R"),
    );
    expect(await messages(edited("w02", "cut-over", /'sync' '-1' '-R'/g, "'sync' '-R'"))).toEqual(
      perPair("w02", "doveadm sync without -1 is two-way and writes into the source; use sync -1 -R"),
    );
  });
  it("the exact messages for another program or another doveadm subcommand", async () => {
    expect(await messages(edited("w01", "copying", /'doveadm'/g, "'rsync'"))).toEqual(perPair("w01", "the script runs rsync, not doveadm"));
    expect(await messages(edited("w01", "copying", /'backup' '-R' '-s' ''/g, "'expunge'"))).toEqual(
      perPair("w01", "the script runs doveadm expunge; only backup -R and sync -1 -R may run"),
    );
    expect(await messages(edited("w02", "cut-over", /'-s' '@state@' '-u' 'mmueller' 'imapc:'/g, "'-s'"))).toEqual([
      `wave w02 (rule sync-only-reverse): mailbox ${PAIRINGS[0]!.mailboxId}: the script option -s lacks its value`,
    ]);
  });
  it("a backup -R with -1 is accepted (only sync needs -1)", async () => {
    expect(await messages(edited("w01", "copying", /'backup' '-R'/g, "'backup' '-1R'"))).toEqual([]);
  });
  it("a script that is not the rendered one is rejected as such, its pair lines not judged", async () => {
    const records = edited("w01", "copying", /'backup' '-R'/g, "'backup'");
    editScript(records, "set -u", "set -u\necho edited");
    const found = await messages(records);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^wave w01 \(rule sync-only-reverse\): migrate\.sh is not the rendered script: line \d+ differs/);
  });
});
