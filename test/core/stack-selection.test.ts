import { describe, expect, it } from "vitest";
import { InputError, UsageError } from "@oxmig/core/errors";
import type { Plan, Wave } from "@oxmig/core/model";
import { narrowToWaves, selectFromPlan, selectionFilter, waveSelected, type SelectionFilter } from "@oxmig/core/stack-selection";

const wave = (name: string, context: string): Wave => ({ name, context, phase: "copying", mailboxes: [], line: 1 });
const plan: Plan = {
  contexts: [
    { name: "fa-kiel", id: 1, organisation: "fa-kiel" },
    { name: "im", id: 2, organisation: "im" },
    { name: "empty", organisation: "empty" },
  ],
  waves: [wave("w01-fa-kiel", "fa-kiel"), wave("w01-im", "im"), wave("w02-im", "im")],
};
const names = (s: ReturnType<typeof selectFromPlan>) => ({ contexts: s.contexts.map((c) => c.name), waves: s.waves.map((w) => w.name) });

describe("selectFromPlan", () => {
  it("without a selection the stack covers every context and wave", () => {
    expect(names(selectFromPlan(plan, {}, "Pulumi.staging.yaml"))).toEqual({
      contexts: ["fa-kiel", "im", "empty"],
      waves: ["w01-fa-kiel", "w01-im", "w02-im"],
    });
  });

  it("a shard selecting contexts gets only their waves, none of another shard's", () => {
    expect(names(selectFromPlan(plan, { contexts: ["fa-kiel"] }, "Pulumi.prod-fa.yaml"))).toEqual({ contexts: ["fa-kiel"], waves: ["w01-fa-kiel"] });
  });

  it("selecting waves keeps only the contexts those waves migrate into", () => {
    expect(names(selectFromPlan(plan, { waves: ["w02-im"] }, "Pulumi.prod.yaml"))).toEqual({ contexts: ["im"], waves: ["w02-im"] });
  });

  it("a misspelt context in the stack file is an input error, not an empty shard", () => {
    expect(() => selectFromPlan(plan, { contexts: ["fa-kiell"] }, "Pulumi.prod-fa.yaml")).toThrow(InputError);
    expect(() => selectFromPlan(plan, { contexts: ["fa-kiell"] }, "Pulumi.prod-fa.yaml")).toThrow(
      'Pulumi.prod-fa.yaml: config contexts: "fa-kiell" is not in the plan (known: empty, fa-kiel, im)',
    );
  });

  it("a wave naming an undeclared context still gets that context", () => {
    const extra: Plan = { contexts: [], waves: [wave("w01-x", "x")] };
    expect(selectFromPlan(extra, {}, "Pulumi.s.yaml").contexts).toEqual([{ name: "x", organisation: "x" }]);
  });
});

describe("selectionFilter", () => {
  it("an empty list read as 'nothing' instead of 'everything'", () => {
    expect(selectionFilter([], [])).toEqual({});
    expect(selectionFilter(undefined, undefined)).toEqual({});
    expect(selectionFilter(["w01-im"], [])).toEqual({ waves: ["w01-im"] });
    expect(selectionFilter(undefined, ["im"])).toEqual({ contexts: ["im"] });
  });
});

describe("waveSelected", () => {
  const w = { name: "w01-im", context: "im" };
  it.each<[SelectionFilter, boolean]>([
    [{}, true],
    [{ waves: ["w01-im"] }, true],
    [{ waves: ["w02-im"] }, false],
    [{ contexts: ["im"] }, true],
    [{ contexts: ["fa-kiel"] }, false],
    [{ waves: ["w01-im"], contexts: ["fa-kiel"] }, false],
  ])("a wave kept or dropped against %j", (filter, kept) => {
    expect(waveSelected(w, filter)).toBe(kept);
  });
});

describe("narrowToWaves", () => {
  const files = { stack: "Pulumi.prod-im.yaml", plan: "inventory/prod/plan.yaml" };
  it("no --wave leaves the stack's selection as it is", () => {
    expect(narrowToWaves(plan, { contexts: ["im"] }, undefined, files)).toEqual({ contexts: ["im"] });
    expect(narrowToWaves(plan, { contexts: ["im"] }, [], files)).toEqual({ contexts: ["im"] });
  });
  it("a wave of the stack narrows it, keeping the stack's contexts", () => {
    expect(narrowToWaves(plan, { contexts: ["im"] }, ["w02-im"], files)).toEqual({ contexts: ["im"], waves: ["w02-im"] });
  });
  it("a wave of another shard reached through --wave", () => {
    expect(() => narrowToWaves(plan, { contexts: ["im"] }, ["w01-fa-kiel"], files)).toThrow(
      new UsageError("wave(s) w01-fa-kiel not selected by Pulumi.prod-im.yaml; its waves: w01-im, w02-im"),
    );
    expect(() => narrowToWaves(plan, { waves: ["w01-im"] }, ["w02-im"], files)).toThrow(UsageError);
  });
  it("a misspelt --wave silently selecting nothing", () => {
    expect(() => narrowToWaves(plan, {}, ["w03-im"], files)).toThrow(
      new UsageError("unknown wave(s) w03-im in inventory/prod/plan.yaml; waves there: w01-fa-kiel, w01-im, w02-im"),
    );
  });
  it("a misspelt stack setting caught even when --wave is given", () => {
    expect(() => narrowToWaves(plan, { contexts: ["imm"] }, ["w01-im"], files)).toThrow(InputError);
  });
});
