import { describe, it, expect } from "vitest";
import { canariesOnlyAfterCutOver } from "../../policies/rules/canaries-only-after-cut-over";
import { expectNone, expectViolation, run, config } from "./helpers";
import { editLifecycle, waveResources, editScript, writePhaseLock } from "./lifecycle-fixtures";

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

const messages = async (records: Parameters<typeof run>[1], cfg?: unknown) => (await run(canariesOnlyAfterCutOver, records, cfg)).map((v) => v.message);
const CANARY_TAIL = "a canary delivered before the final backup -R destroys it; set canaries: false or move the wave to cut-over";

describe("canaries-only-after-cut-over branches", () => {
  it("registered under a name or description that does not say what it checks", () => {
    expect(canariesOnlyAfterCutOver.name).toBe("canaries-only-after-cut-over");
    expect(canariesOnlyAfterCutOver.description).toMatch(/canary .*cut-over or later/);
    expect(canariesOnlyAfterCutOver.enforcementLevel).toBe("mandatory");
  });
  it("the exact message for a copying wave with canaries, pointing at its ConfigMap", async () => {
    const violations = await run(canariesOnlyAfterCutOver, waveResources("w01", { phase: "copying", canaries: true }));
    expect(violations).toEqual([
      {
        message: `wave w01 (rule canaries-only-after-cut-over): canaries are configured in phase copying: ${CANARY_TAIL}`,
        urn: "urn:pulumi:test::oxmig::kubernetes:core/v1:ConfigMap::pairings-w01",
      },
    ]);
  });
  it("names the locked phase when the lock records the wave", async () => {
    const lock = writePhaseLock({ w01: "copying" });
    expect(await messages(waveResources("w01", { phase: "copying", canaries: true }), config({ lock }))).toEqual([
      `wave w01 (rule canaries-only-after-cut-over): canaries are configured in phase copying (lock records copying): ${CANARY_TAIL}`,
    ]);
  });
  it("canaries at cut-over and done pass, even with the lock behind", async () => {
    const lock = writePhaseLock({ w02: "copying", w03: "copying" });
    const records = [...waveResources("w02", { phase: "cut-over", canaries: true }), ...waveResources("w03", { phase: "done", canaries: true })];
    expect(await messages(records, config({ lock }))).toEqual([]);
  });
  it("a hand-edited script does not hide canaries (this rule reads lifecycle.json, not the script)", async () => {
    const records = waveResources("w01", { phase: "copying", canaries: true });
    editScript(records, "set -u", "set -u\necho edited");
    expect(await messages(records)).toEqual([`wave w01 (rule canaries-only-after-cut-over): canaries are configured in phase copying: ${CANARY_TAIL}`]);
  });
  it("a wave whose lifecycle cannot be read is rejected once, not crashed on", async () => {
    const records = waveResources("w01", { phase: "copying", canaries: true });
    delete records[0]!.props.data["lifecycle.json"];
    expect(await messages(records)).toEqual([
      'wave w01 (rule canaries-only-after-cut-over): cannot check the lifecycle, so the plan is rejected: data["lifecycle.json"] is missing',
    ]);
  });
});
