import { describe, expect, it } from "vitest";
import { groupBy, stackView } from "../../../policies/support/stack";
import type { ResourceLike } from "../../../policies/support/resources";
import { buildResources, IDS } from "../../fixtures/policies/plan";

const like = (records: ReturnType<typeof buildResources>): ResourceLike[] =>
  records.map((r) => ({ type: r.type, urn: `urn:${r.name}`, name: r.name, props: r.props, opts: { protect: r.protect } }));

describe("stack", () => {
  it("groups lose members or keep values without a key", () => {
    const groups = groupBy(["a1", "b1", "a2", "x"], (s) => (s === "x" ? undefined : s[0]));
    expect([...groups]).toEqual([
      ["a", ["a1", "a2"]],
      ["b", ["b1"]],
    ]);
  });
  it("resources sorted into the wrong view", () => {
    const view = stackView(like(buildResources()));
    expect(view.users.map((u) => u.mailboxId)).toEqual([IDS.maria, IDS.jan, IDS.poststelle, IDS.petra, IDS.raum]);
    expect([...view.keys.keys()]).toEqual([IDS.maria, IDS.jan, IDS.poststelle, IDS.petra, IDS.raum].map((id) => `key-${id}`));
    expect(view.keys.get(`key-${IDS.jan}`)!.keeper).toBe(IDS.jan);
    expect(view.userdbs.map((d) => d.context)).toEqual(["luebeck", "kiel"]);
    expect(view.pairings.map((p) => p.wave)).toEqual(["w01", "w02"]);
  });
  it("a stack view rebuilt for every rule, or shared between different stacks", () => {
    const resources = like(buildResources());
    expect(stackView(resources)).toBe(stackView(resources));
    const other = like(buildResources());
    expect(stackView(other)).not.toBe(stackView(resources));
    expect(stackView(other)).toEqual(stackView(resources));
  });
});
