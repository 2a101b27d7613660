import { describe, expect, it } from "vitest";
import type { Pairing } from "@oxmig/core/contract";
import { PAIRING_DIGEST_ANNOTATION, pairingDigest, waveFine, waveProgress } from "@oxmig/core/job-progress";

const pairings: Pairing[] = ["a", "b", "c", "d", "e"].map((t) => ({
  mailboxId: `id-${t}`,
  sourceLogin: `${t}@src.example`,
  sourceExchangeGuid: `g-${t}`,
  targetLogin: t,
}));

/** A Job object as the API returns it (status fields per batch/v1). */
const job = (status: Record<string, unknown>, over: { completions?: number; digest?: string; mode?: string } = {}) => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: "migrate-w01", annotations: { [PAIRING_DIGEST_ANNOTATION]: over.digest ?? pairingDigest(pairings) } },
  spec: { completionMode: over.mode ?? "Indexed", completions: over.completions ?? 5 },
  status,
});

const progress = (j: unknown, phase: "copying" | "cut-over" | "done" = "copying") => waveProgress({ wave: "w01", phase, pairings, job: j });

describe("a wave's progress from its Job", () => {
  it("done, failed and running indexes; the rest is left", () => {
    const p = progress(
      job({
        completedIndexes: "0,2-3",
        failedIndexes: "1",
        active: 1,
        succeeded: 3,
        failed: 3,
        conditions: [{ type: "FailureTarget", status: "True", reason: "FailedIndexes" }],
      }),
    );
    expect([p.done, p.failed, p.running, p.left, p.total]).toEqual([[0, 2, 3], [1], 1, 1, 5]);
    expect(p.tableMatches).toBe(true);
    expect(p.conditions).toEqual([{ type: "FailureTarget", reason: "FailedIndexes" }]);
    expect(waveFine(p)).toBe(false);
  });

  it("a complete Job is fine; a running one without failures too", () => {
    expect(waveFine(progress(job({ completedIndexes: "0-4", succeeded: 5, conditions: [{ type: "Complete", status: "True" }] })))).toBe(true);
    const running = progress(job({ completedIndexes: "0", active: 2 }));
    expect([running.left, waveFine(running)]).toEqual([4, true]);
  });

  it("a Job that failed (deadline) is not fine even without failed indexes; conditions that are False do not count", () => {
    const p = progress(
      job({
        completedIndexes: "0-1",
        conditions: [
          { type: "Failed", status: "True", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" },
          { type: "Complete", status: "False" },
        ],
      }),
    );
    expect(p.conditions).toEqual([{ type: "Failed", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" }]);
    expect(waveFine(p)).toBe(false);
  });

  it("a Job made from another table is not named by the plan's pairs", () => {
    const other = progress(job({ completedIndexes: "0" }, { digest: pairingDigest(pairings.slice().reverse()) }));
    expect(other.tableMatches).toBe(false);
    expect(other.problems[0]).toMatch(/was made from another pairing table/);
    expect(progress(job({}, { completions: 4 })).tableMatches).toBe(false);
    expect(progress(job({}, { mode: "NonIndexed" })).problems[0]).toMatch(/not an Indexed Job/);
  });

  it("a status it cannot read is a problem, not progress", () => {
    const p = progress(job({ completedIndexes: "4,2" }));
    expect(p.problems).toEqual(['migrate-w01 status.completedIndexes "4,2" is not a list of indexes below 5']);
    expect(waveFine(p)).toBe(false);
  });

  it("no Job yet: everything left; phase done: no Job expected, one left behind is named", () => {
    const none = progress(undefined);
    expect([none.found, none.left, waveFine(none)]).toEqual([false, 5, true]);
    expect(progress(undefined, "done").problems).toEqual([]);
    expect(progress(job({}), "done").problems[0]).toMatch(/still in the cluster although the wave is done/);
  });

  it("the digest follows the table's order, not only its members", () => {
    expect(pairingDigest(pairings)).not.toBe(pairingDigest([...pairings].reverse()));
    expect(pairingDigest(pairings)).toBe(pairingDigest(pairings.map((p) => ({ ...p, targetLogin: p.targetLogin.toUpperCase() }))));
  });
});
