import { describe, it } from "vitest";
import { canariesOnlyAfterCutOver } from "../../policies/rules/canaries-only-after-cut-over";
import { expectNone, expectViolation, run } from "./helpers";
import { editLifecycle, waveResources } from "./lifecycle-fixtures";

describe("canaries-only-after-cut-over", () => {
  it("accepts the defaults: no canaries while copying, canaries from cut-over on", async () => {
    const records = [...waveResources("w01", { phase: "copying" }), ...waveResources("w02", { phase: "cut-over" }), ...waveResources("w03", { phase: "done" })];
    expectNone(await run(canariesOnlyAfterCutOver, records));
    expectNone(await run(canariesOnlyAfterCutOver, waveResources("w02", { phase: "cut-over", canaries: false })));
  });
  it("canaries configured for a wave still copying", async () => {
    expectViolation(
      await run(canariesOnlyAfterCutOver, waveResources("w01", { phase: "copying", canaries: true })),
      "wave w01",
      "rule canaries-only-after-cut-over",
      "phase copying",
    );
  });
  it("lifecycle.json claiming cut-over while the annotation says copying is rejected, not trusted", async () => {
    const records = waveResources("w01", { phase: "copying" });
    editLifecycle(records, (l) => {
      l.phase = "cut-over";
      l.canaries = true;
    });
    expectViolation(await run(canariesOnlyAfterCutOver, records), "wave w01", "annotation oxmig.example/phase says copying but lifecycle.json says cut-over");
  });
});
