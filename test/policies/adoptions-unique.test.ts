import { describe, it } from "vitest";
import { adoptionsUnique } from "../../policies/rules/adoptions-unique";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { expectNone, expectViolation, oxUser, run, UNKNOWN_STRING } from "./helpers";

describe("adoptions-unique", () => {
  it("accepts a plan without adoptions, and mailboxes adopting different OX users", async () => {
    expectNone(await run(adoptionsUnique, buildResources()));
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.adoptUserId = 17;
    oxUser(plan, IDS.jan).props.adoptUserId = 18;
    expectNone(await run(adoptionsUnique, plan));
  });

  it("accepts one OX user id adopted in two different contexts (ids are per context)", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.adoptUserId = 17;
    oxUser(plan, IDS.petra).props.adoptUserId = 17;
    expectNone(await run(adoptionsUnique, plan));
  });

  it("rejects two mailboxes of one context adopting the same OX user, naming both", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.adoptUserId = 17;
    oxUser(plan, IDS.jan).props.adoptUserId = 17;
    const violations = await run(adoptionsUnique, plan);
    expectViolation(
      violations,
      "mailbox maria.mueller@fa-luebeck.example",
      "adopts OX user 17 of context luebeck, which 2 mailboxes adopt",
      "jan.schmidt@fa-luebeck.example",
    );
    expectViolation(violations, "mailbox jan.schmidt@fa-luebeck.example", "adopts OX user 17 of context luebeck");
  });

  it("an adoptUserId unknown at preview fails closed", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.adoptUserId = UNKNOWN_STRING;
    expectViolation(await run(adoptionsUnique, plan), "mailbox maria.mueller@fa-luebeck.example", "adoptUserId");
  });
});
