import { describe, expect, it } from "vitest";
import { InputError } from "../../../core/errors";
import type { Plan, Wave } from "../../../core/model";
import { selectFromPlan } from "../../../infra/components/migration-stack";

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
    expect(names(selectFromPlan(plan, { stack: "staging" }))).toEqual({ contexts: ["fa-kiel", "im", "empty"], waves: ["w01-fa-kiel", "w01-im", "w02-im"] });
  });

  it("a shard selecting contexts gets only their waves, none of another shard's", () => {
    expect(names(selectFromPlan(plan, { stack: "prod-fa", contexts: ["fa-kiel"] }))).toEqual({ contexts: ["fa-kiel"], waves: ["w01-fa-kiel"] });
  });

  it("selecting waves keeps only the contexts those waves migrate into", () => {
    expect(names(selectFromPlan(plan, { stack: "prod", waves: ["w02-im"] }))).toEqual({ contexts: ["im"], waves: ["w02-im"] });
  });

  it("a misspelt context in the stack file is an input error, not an empty shard", () => {
    expect(() => selectFromPlan(plan, { stack: "prod-fa", contexts: ["fa-kiell"] })).toThrow(InputError);
    expect(() => selectFromPlan(plan, { stack: "prod-fa", contexts: ["fa-kiell"] })).toThrow(
      'Pulumi.prod-fa.yaml: config contexts: "fa-kiell" is not in the plan (known: empty, fa-kiel, im)',
    );
  });

  it("a wave naming an undeclared context still gets that context", () => {
    const extra: Plan = { contexts: [], waves: [wave("w01-x", "x")] };
    expect(selectFromPlan(extra, { stack: "s" }).contexts).toEqual([{ name: "x", organisation: "x" }]);
  });
});
