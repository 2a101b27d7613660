import { describe, expect, it } from "vitest";
import "../../../policies/support/decode-once";
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

describe("stack views of one analyzer request", () => {
  // The SDK's decoder as the pack patches it (decode-once.ts): one plain object per request Struct.
  const sdk = require("@pulumi/policy/deserialize") as { deserializeProperties: (struct: object) => Record<string, unknown> };
  /** What the SDK hands each stack policy: a new array of new resource objects around the decoded props. */
  const perPolicy = (structs: object[], records: ReturnType<typeof buildResources>): ResourceLike[] =>
    records.map((r, i) => ({ type: r.type, urn: `urn:${r.name}`, name: r.name, props: sdk.deserializeProperties(structs[i]!), opts: { protect: r.protect } }));
  const structsOf = (records: ReturnType<typeof buildResources>) => records.map((r) => ({ toJavaScript: () => r.props }));

  it("every stack policy of one request builds its own view (the arrays differ, the request does not)", () => {
    const records = buildResources();
    const structs = structsOf(records);
    expect(stackView(perPolicy(structs, records))).toBe(stackView(perPolicy(structs, records)));
  });

  it("a later request reuses an earlier request's view", () => {
    const records = buildResources();
    const first = stackView(perPolicy(structsOf(records), records));
    expect(stackView(perPolicy(structsOf(records), records))).not.toBe(first);
  });

  it("a request that starts and ends like another but holds fewer resources gets the other's view", () => {
    const records = buildResources();
    const structs = structsOf(records);
    const whole = perPolicy(structs, records);
    const shorter = [whole[0]!, whole.at(-1)!];
    expect(stackView(shorter)).not.toBe(stackView(whole));
    expect(stackView(shorter).users.length).toBeLessThan(stackView(whole).users.length);
  });
});
