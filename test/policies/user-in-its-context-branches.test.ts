// Branches of user-in-its-context the main scenarios do not reach: exact messages, context ids that
// are no numbers, property dependencies as the engine may leave them, ids shared by three contexts.
import { describe, expect, it } from "vitest";
import { TYPES } from "../../core/contract";
import { userInItsContext } from "../../policies/rules/user-in-its-context";
import { buildResources, IDS, type ResourceRecord } from "../fixtures/policies/plan";
import { config, expectNone, expectViolation, oxUser, record, run, stackArgs, UNKNOWN_STRING, type Violation } from "./helpers";
import { planWithIds, urnOf } from "./context-id-fixtures";

const ownContext = (plan: ResourceRecord[]) => (u: ResourceRecord) => [{ urn: urnOf(record(plan, `ox-context-${u.props.contextName}`)) }];

/** Runs the rule with each user's `propertyDependencies` as given (undefined: the engine sent none). */
async function runWithDependencies(plan: ResourceRecord[], dependsOn: (user: ResourceRecord) => unknown[] | undefined): Promise<Violation[]> {
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
    expectNone(await runWithDependencies(plan, ownContext(plan)));
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
      await runWithDependencies(plan, ownContext(plan)),
      "mailbox maria.mueller@fa-luebeck.example",
      "the user's contextId 101 is not shown to come from that context",
    );
  });

  it("property dependencies the engine leaves out or fills with empty entries", async () => {
    const plan = buildResources();
    expect((await runWithDependencies(plan, () => undefined)).map((v) => v.message)).toEqual(
      plan
        .filter((r) => r.type === TYPES.oxUser)
        .map((u) => expect.stringContaining(`the user's contextId (not known) is not shown to come from that context (ox-context-${u.props.contextName})`)),
    );
    expectNone(await runWithDependencies(plan, (u) => [null, ...ownContext(plan)(u)]));
  });
});
