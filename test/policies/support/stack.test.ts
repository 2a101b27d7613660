import { describe, expect, it } from "vitest";
import { markRequestProps } from "@oxmig/core/engine-hints";
import { groupBy, stackView } from "../../../policies/support/stack";
import type { ResourceLike } from "../../../policies/support/resources";
import { buildResources, IDS } from "../../fixtures/policies/plan";

// The SDK's own proxy (internal, so untyped): what every policy reads its props through.
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as { unknownCheckingProxy: <T>(props: T) => T };

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
  // What the gate's engine hands the pack: props decoded once per request and marked as such
  // (core/engine-hints.ts); the SDK wraps them in a new unknown-checking proxy for every policy.
  const decodedOnce = (records: ReturnType<typeof buildResources>) =>
    records.map((r) => {
      const props = structuredClone(r.props);
      markRequestProps(props, props);
      return props;
    });
  /** What the SDK hands each stack policy: a new array of new resource objects around the same props. */
  const perPolicy = (decoded: Record<string, unknown>[], records: ReturnType<typeof buildResources>): ResourceLike[] =>
    records.map((r, i) => ({ type: r.type, urn: `urn:${r.name}`, name: r.name, props: unknownCheckingProxy(decoded[i]!), opts: { protect: r.protect } }));

  it("every stack policy of one request builds its own view (the arrays differ, the request does not)", () => {
    const records = buildResources();
    const decoded = decodedOnce(records);
    expect(stackView(perPolicy(decoded, records))).toBe(stackView(perPolicy(decoded, records)));
  });

  it("a later request reuses an earlier request's view", () => {
    const records = buildResources();
    const first = stackView(perPolicy(decodedOnce(records), records));
    const later = stackView(perPolicy(decodedOnce(records), records));
    expect(later).not.toBe(first);
    expect(later).toEqual(first);
  });

  it("a request that starts and ends like another but holds fewer resources gets the other's view", () => {
    const records = buildResources();
    const whole = perPolicy(decodedOnce(records), records);
    const shorter = [whole[0]!, whole.at(-1)!];
    expect(stackView(shorter)).not.toBe(stackView(whole));
    expect(stackView(shorter).users.length).toBeLessThan(stackView(whole).users.length);
  });

  it("props the engine did not decode (the Pulumi CLI's) share a view between policies", () => {
    const records = buildResources();
    const plain = records.map((r) => structuredClone(r.props));
    const [first, second] = [stackView(perPolicy(plain, records)), stackView(perPolicy(plain, records))];
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
  });
});
