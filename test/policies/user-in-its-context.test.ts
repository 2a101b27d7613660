import { describe, it, expect } from "vitest";
import { TYPES } from "@oxmig/core/contract";
import { userInItsContext } from "../../policies/rules/user-in-its-context";
import { buildResources, IDS, type ResourceRecord } from "../fixtures/policies/plan";
import { expectNone, expectViolation, oxUser, record, run, stackArgs, config, type Violation, UNKNOWN_STRING } from "./helpers";
import { planWithIds, urnOf } from "./context-id-fixtures";

/** Runs the rule with `contextId` property dependencies on each user, as the engine reports them at preview. */
async function runWithDependencies(plan: ResourceRecord[], dependsOn: (user: ResourceRecord) => ResourceRecord | undefined): Promise<Violation[]> {
  const args = stackArgs(plan, config());
  args.resources.forEach((r, i) => {
    const target = plan[i]!.type === TYPES.oxUser ? dependsOn(plan[i]!) : undefined;
    if (target) (r as { propertyDependencies: Record<string, unknown> }).propertyDependencies = { contextId: [{ urn: urnOf(target) }] };
  });
  const violations: Violation[] = [];
  await userInItsContext.validateStack(args, (message: string, urn?: string) => void violations.push({ message, ...(urn ? { urn } : {}) }));
  return violations;
}

describe("user-in-its-context", () => {
  it("accepts users carrying their context's fixed id", async () => {
    expectNone(await run(userInItsContext, planWithIds()));
  });

  it("a user's contextId swapped to another context's id: OX would create the user there", async () => {
    const plan = planWithIds();
    oxUser(plan, IDS.jan).props.contextId = 102;
    expectViolation(
      await run(userInItsContext, plan),
      "mailbox jan.schmidt@fa-luebeck.example (owner jschmidt)",
      'contextId 102 is not the id of its context "luebeck" (101); 102 is the id of "kiel"',
    );
  });

  it("a user's contextId that no declared context has", async () => {
    const plan = planWithIds();
    oxUser(plan, IDS.raum).props.contextId = 999;
    expectViolation(await run(userInItsContext, plan), "mailbox raum-101@fa-kiel.example", "contextId 999 is not the id of its context", "no declared context");
  });

  it("a user without a contextId, or with one unknown at preview, while its context has a fixed id", async () => {
    const plan = planWithIds();
    delete oxUser(plan, IDS.maria).props.contextId;
    oxUser(plan, IDS.petra).props.contextId = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";
    const violations = await run(userInItsContext, plan);
    expectViolation(violations, "mailbox maria.mueller@fa-luebeck.example", 'contextId is missing, but its context "luebeck" has the id 101');
    expectViolation(violations, "mailbox petra.koch@fa-kiel.example", "contextId is unknown at preview");
  });

  it("two contexts with one id", async () => {
    const plan = planWithIds();
    record(plan, "ox-context-kiel").props.contextId = 101;
    const violations = await run(userInItsContext, plan);
    expectViolation(violations, 'OX context "kiel" has context id 101, which is also the id of "luebeck"');
    expectViolation(violations, 'OX context "luebeck" has context id 101, which is also the id of "kiel"');
  });

  it("a user naming a context the stack does not declare, or one declared twice", async () => {
    const plan = planWithIds();
    oxUser(plan, IDS.petra).props.contextName = "im";
    plan.push({ ...record(plan, "ox-context-luebeck"), name: "ox-context-luebeck-2" });
    const violations = await run(userInItsContext, plan);
    expectViolation(violations, "mailbox petra.koch@fa-kiel.example", 'context "im" is declared by 0 OX Context resources');
    expectViolation(violations, "mailbox maria.mueller@fa-luebeck.example", 'context "luebeck" is declared by 2 OX Context resources');
  });

  it("an unknown context name fails closed", async () => {
    const plan = planWithIds();
    oxUser(plan, IDS.jan).props.contextName = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    record(plan, "ox-context-kiel").props.name = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const violations = await run(userInItsContext, plan);
    expectViolation(violations, "mailbox jan.schmidt@fa-luebeck.example", "contextName is unknown at preview");
    expectViolation(violations, "OX context ox-context-kiel: name is unknown or missing");
  });

  describe("contexts whose id OX assigns (no fixed id in plan.yaml)", () => {
    const pending = () => buildResources(); // neither contexts nor users carry an id: preview of new contexts

    it("accepts users whose contextId comes from their own context resource", async () => {
      const plan = pending();
      expectNone(await runWithDependencies(plan, (u) => record(plan, `ox-context-${u.props.contextName}`)));
    });

    it("rejects a user whose contextId comes from another context resource", async () => {
      const plan = pending();
      const violations = await runWithDependencies(plan, (u) =>
        record(plan, u.name === `oxuser-${IDS.jan}` ? "ox-context-kiel" : `ox-context-${u.props.contextName}`),
      );
      expectViolation(
        violations,
        "mailbox jan.schmidt@fa-luebeck.example",
        'context "luebeck" has no fixed id',
        "is not shown to come from that context (ox-context-luebeck)",
      );
    });

    it("rejects a fixed id on a user of a context without one, and a contextId of unknown origin", async () => {
      const plan = pending();
      oxUser(plan, IDS.maria).props.contextId = 101;
      const violations = await run(userInItsContext, plan);
      expectViolation(violations, "mailbox maria.mueller@fa-luebeck.example", "the user's contextId 101 is not shown to come from that context");
      expectViolation(violations, "mailbox petra.koch@fa-kiel.example", "the user's contextId (not known) is not shown to come from that context");
    });
  });
});

const ownContext = (plan: ResourceRecord[]) => (u: ResourceRecord) => [{ urn: urnOf(record(plan, `ox-context-${u.props.contextName}`)) }];

/** Runs the rule with each user's `propertyDependencies` as given (undefined: the engine sent none). */
async function runWithDependencyList(plan: ResourceRecord[], dependsOn: (user: ResourceRecord) => unknown[] | undefined): Promise<Violation[]> {
  const args = stackArgs(plan, config());
  args.resources.forEach((r, i) => {
    if (plan[i]!.type !== TYPES.oxUser) return;
    const deps = dependsOn(plan[i]!);
    if (deps === undefined) delete (r as { propertyDependencies?: unknown }).propertyDependencies;
    else (r as { propertyDependencies: Record<string, unknown> }).propertyDependencies = { contextId: deps };
  });
  const violations: Violation[] = [];
  await userInItsContext.validateStack(args, (message: string, urn?: string) => void violations.push({ message, ...(urn ? { urn } : {}) }));
  return violations;
}

describe("user-in-its-context branches", () => {
  it("registered under a name or description that does not say what it checks", () => {
    expect(userInItsContext.name).toBe("user-in-its-context");
    expect(userInItsContext.enforcementLevel).toBe("mandatory");
    expect(userInItsContext.description).toMatch(/^Checks whether every OX user's contextId is the id of the declared OX context it names.*\.$/);
  });

  it("an unknown context name of a user is named exactly", async () => {
    const plan = planWithIds();
    oxUser(plan, IDS.jan).props.contextName = UNKNOWN_STRING;
    expect(await run(userInItsContext, plan)).toEqual([
      expect.objectContaining({
        message: "mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): OX user contextName is unknown at preview; binding-critical values must be known",
      }),
    ]);
  });

  it("a user without a context name", async () => {
    const plan = planWithIds();
    delete oxUser(plan, IDS.jan).props.contextName;
    expectViolation(await run(userInItsContext, plan), "mailbox jan.schmidt@fa-luebeck.example", 'context "(none)" is declared by 0 OX Context resources');
  });

  it("a context whose name is no string is not checked by it", async () => {
    const plan = planWithIds();
    record(plan, "ox-context-kiel").props.name = 102;
    expectViolation(await run(userInItsContext, plan), "OX context ox-context-kiel: name is unknown or missing");
  });

  it("a context id that is no number (unknown at preview) is no fixed id", async () => {
    const plan = buildResources();
    record(plan, "ox-context-kiel").props.contextId = UNKNOWN_STRING;
    expectNone(await runWithDependencyList(plan, ownContext(plan)));
  });

  it("a user id taken from a context that has several: all are named", async () => {
    const plan = planWithIds();
    plan.push({ ...structuredClone(record(plan, "ox-context-kiel")), name: "ox-context-im", props: { name: "im", contextId: 102 } });
    oxUser(plan, IDS.jan).props.contextId = 102;
    expectViolation(
      await run(userInItsContext, plan),
      "mailbox jan.schmidt@fa-luebeck.example",
      '102 is the id of "kiel", "im", so OX would create the user there',
    );
  });

  it("three contexts with one id: each names the other two", async () => {
    const plan = planWithIds();
    plan.push({ ...structuredClone(record(plan, "ox-context-kiel")), name: "ox-context-im", props: { name: "im", contextId: 102 } });
    plan.push({ ...structuredClone(record(plan, "ox-context-kiel")), name: "ox-context-hl", props: { name: "hl", contextId: 102 } });
    expectViolation(await run(userInItsContext, plan), 'OX context "kiel" has context id 102, which is also the id of "im", "hl"; context ids must be unique');
  });

  it("a user of a context without fixed id that carries a fixed id, although it also depends on its context", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.contextId = 101;
    expectViolation(
      await runWithDependencyList(plan, ownContext(plan)),
      "mailbox maria.mueller@fa-luebeck.example",
      "the user's contextId 101 is not shown to come from that context",
    );
  });

  it("property dependencies the engine leaves out or fills with empty entries", async () => {
    const plan = buildResources();
    expect((await runWithDependencyList(plan, () => undefined)).map((v) => v.message)).toEqual(
      plan
        .filter((r) => r.type === TYPES.oxUser)
        .map((u) => expect.stringContaining(`the user's contextId (not known) is not shown to come from that context (ox-context-${u.props.contextName})`)),
    );
    expectNone(await runWithDependencyList(plan, (u) => [null, ...ownContext(plan)(u)]));
  });
});
