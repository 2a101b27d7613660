// context-matches-organisation and the plan's contextException: the exception counts as a reviewed
// decision only (with a lock: the lock approves the mailbox in that context, and that reason if recorded).
import { describe, expect, it } from "vitest";
import { toAddress } from "../../core/address";
import { USER_ATTRIBUTES } from "../../core/contract";
import type { Binding } from "../../core/model";
import { userAttributesFor } from "../../infra/components/mailbox";
import { contextMatchesOrganisation } from "../../policies/rules/context-matches-organisation";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { attrs, config, expectNone, expectViolation, lockEntries, oxUser, run, writeLock } from "./helpers";

const REASON = "seconded to Lübeck until 2027";

/** Petra (ou kiel) placed in context luebeck, with the plan's reason when given. */
function petraInLuebeck(reason?: string) {
  const plan = buildResources();
  const petra = oxUser(plan, IDS.petra);
  petra.props.contextName = "luebeck";
  if (reason !== undefined) attrs(petra)[USER_ATTRIBUTES.contextException] = reason;
  return plan;
}

/** The approved lock, with Petra in `context` for the reviewed `reason` (none: no exception locked). */
function lockWithPetraIn(context: string, reason: string | null = REASON): string {
  const entries = lockEntries().map((e) => (e.mailbox === IDS.petra ? { ...e, context, ...(reason ? { contextException: reason } : {}) } : e));
  return writeLock(entries);
}

describe("context-matches-organisation with a contextException", () => {
  it("the program declares the plan's reason as the attribute the rule reads", () => {
    const primary = toAddress("petra.koch@fa-kiel.example");
    const binding = {
      mailboxId: IDS.petra,
      kind: "personal",
      keyName: "key-p",
      owner: { immutableId: IDS.petra },
      source: { exchangeGuid: "g" },
      primaryAddress: primary,
    } as unknown as Binding;
    expect(userAttributesFor({ ...binding, contextException: REASON })[USER_ATTRIBUTES.contextException]).toBe(REASON);
    expect(userAttributesFor(binding)).not.toHaveProperty(USER_ATTRIBUTES.contextException);
  });

  it("accepts a documented exception the lock approves in that context", async () => {
    expectNone(await run(contextMatchesOrganisation, petraInLuebeck(REASON), config({ lock: lockWithPetraIn("luebeck") })));
  });

  it("accepts a documented exception without a lock configured (staging before the first lock)", async () => {
    expectNone(await run(contextMatchesOrganisation, petraInLuebeck(REASON)));
  });

  it("rejects an undocumented move into another organisation's context", async () => {
    expectViolation(
      await run(contextMatchesOrganisation, petraInLuebeck(), config({ lock: lockWithPetraIn("luebeck") })),
      "mailbox petra.koch@fa-kiel.example (owner pkoch)",
      'context "luebeck" does not serve the owner\'s organisation',
    );
  });

  it("rejects a blank reason as no reason", async () => {
    expectViolation(await run(contextMatchesOrganisation, petraInLuebeck("  ")), 'context "luebeck" does not serve');
  });

  it("rejects an exception the lock does not approve in that context (the attribute alone is no review)", async () => {
    const violations = await run(contextMatchesOrganisation, petraInLuebeck(REASON), config({ lock: lockWithPetraIn("kiel") }));
    expectViolation(
      violations,
      "mailbox petra.koch@fa-kiel.example",
      `"${REASON}" places the mailbox in context "luebeck"`,
      'does not approve it there (locked context "kiel")',
    );
  });

  it("rejects an exception whose reason the reviewer never saw: the lock has the context but no reason, or another reason", async () => {
    expectViolation(
      await run(contextMatchesOrganisation, petraInLuebeck(REASON), config({ lock: lockWithPetraIn("luebeck", null) })),
      "the lock records no exception for it",
    );
    expectViolation(
      await run(contextMatchesOrganisation, petraInLuebeck(REASON), config({ lock: lockWithPetraIn("luebeck", "temporary, ask HR") })),
      'the lock records the reason "temporary, ask HR"',
    );
  });

  it("rejects an exception for a mailbox the lock does not hold", async () => {
    const lock = writeLock(lockEntries().filter((e) => e.mailbox !== IDS.petra));
    expectViolation(await run(contextMatchesOrganisation, petraInLuebeck(REASON), config({ lock })), "not in the lock");
  });
});
