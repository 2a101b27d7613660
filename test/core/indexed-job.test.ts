import { describe, expect, it } from "vitest";
import { indexedJobProblems, indexVariableProblem, parseIndexIntervals } from "@oxmig/core/indexed-job";

const SPEC = { completionMode: "Indexed", completions: 3, parallelism: 2, backoffLimitPerIndex: 2, maxFailedIndexes: 1, podReplacementPolicy: "Failed" };
const problems = (over: Record<string, unknown>, entries = 3) => indexedJobProblems({ ...SPEC, ...over }, entries, (i) => `index ${i} (mailbox m${i})`);

describe("which indexes an Indexed Job runs", () => {
  it("one index per pair, any parallelism of at least one pod: no problem", () => {
    expect(problems({})).toEqual([]);
    expect(problems({ parallelism: undefined })).toEqual([]);
    expect(problems({ parallelism: 50, suspend: true })).toEqual([]);
  });

  it("fewer completions than pairs skip the last pairs, named", () => {
    expect(problems({ completions: 1 })).toEqual([
      "spec.completions is 1, but the pairing table has 3 pairs: index 1 (mailbox m1), index 2 (mailbox m2) would never run",
    ]);
    expect(problems({ completions: 0 }, 5)[0]).toMatch(/index 0 \(mailbox m0\), index 1 \(mailbox m1\), index 2 \(mailbox m2\) and 2 more would never run$/);
  });

  it("more completions than pairs, or none that is a count", () => {
    expect(problems({ completions: 4 })).toEqual([
      "spec.completions is 4, but the pairing table has 3 pairs: index 3 has no pair (the script refuses it, the Job can never complete)",
    ]);
    expect(problems({ completions: "3" })[0]).toMatch(/^spec.completions is "3", not the number of pairs \(3\)/);
    expect(problems({ completions: undefined })[0]).toMatch(/^spec.completions is null/);
  });

  it("no index at all, no pod at all, or an early success", () => {
    expect(problems({ completionMode: undefined })[0]).toMatch(
      /^spec.completionMode is "NonIndexed \(the default\)", not Indexed: its pods get no JOB_COMPLETION_INDEX/,
    );
    expect(problems({ completionMode: "NonIndexed" })).toHaveLength(1);
    expect(problems({ parallelism: 0 })).toEqual(["spec.parallelism is 0: no pod would run, so every pair is skipped"]);
    expect(problems({ parallelism: 1.5 })).toHaveLength(1);
    expect(problems({ successPolicy: { rules: [{ succeededCount: 1 }] } })[0]).toMatch(/successPolicy/);
  });

  it("another Job's pods or two pods per index", () => {
    expect(problems({ manualSelector: true, selector: { matchLabels: { a: "b" } } })[0]).toMatch(/pods of another Job could count/);
    expect(problems({ podReplacementPolicy: undefined })[0]).toMatch(
      /^spec.podReplacementPolicy is "TerminatingOrFailed \(the default\)", not Failed: .*two pods would write one mailbox/,
    );
  });

  it("a container that declares JOB_COMPLETION_INDEX keeps it (the controller then adds none)", () => {
    expect(indexVariableProblem("migrate", [{ name: "JOB_COMPLETION_INDEX", value: "0" }])).toMatch(/^container migrate declares JOB_COMPLETION_INDEX itself/);
    expect(indexVariableProblem("migrate", [{ name: "TZ", value: "UTC" }])).toBeUndefined();
    expect(indexVariableProblem("migrate", undefined)).toBeUndefined();
  });
});

describe("index intervals as the Job status writes them", () => {
  it("reads numbers and ranges", () => {
    expect(parseIndexIntervals("1,3-5,7", 8)).toEqual([1, 3, 4, 5, 7]);
    expect(parseIndexIntervals("0", 1)).toEqual([0]);
    expect(parseIndexIntervals("", 3)).toEqual([]);
    expect(parseIndexIntervals(undefined, 3)).toEqual([]);
  });

  it("refuses what the API never writes: unordered, overlapping, reversed, beyond completions, other text", () => {
    for (const text of ["3,1", "1-3,2", "5-3", "1,8", "0-99999999", "a", "1,,2", " 1", "-1"]) expect(parseIndexIntervals(text, 8), text).toBeUndefined();
  });
});
