// context-matches-organisation: a mailbox sits in a context that serves its owner's organisation. The plan's contextException
// counts as a reviewed decision only (with a lock: the lock approves the mailbox in that context, and that reason if recorded).
import { describe, expect, it } from "vitest";
import { toAddress } from "@oxmig/core/address";
import type { Binding } from "@oxmig/core/model";
import { userAttributesFor } from "../../infra/components/mailbox";
import { contextMatchesOrganisation } from "../../policies/rules/context-matches-organisation";
import { CONTEXT_EXCEPTION } from "../../policies/support/resources";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { directoryPerson, LDIF } from "./files";
import { attrs, config, expectNone, expectViolation, lockEntries, messagesOf, MISSING_ID, oxUser, run, USER_ATTRIBUTES, writeLock } from "./helpers";

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

describe("context-matches-organisation", () => {
  it("accepts users in the context named after their owner's ou", async () => {
    expectNone(await run(contextMatchesOrganisation, buildResources()));
  });
  it("homonym in another organisation chosen as owner", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = IDS.julia;
    expectViolation(
      await run(contextMatchesOrganisation, plan),
      "mailbox jan.schmidt@fa-luebeck.example (owner jschmidt)",
      `context "luebeck" does not serve`,
      "ou kiel",
    );
  });
  it("accepts a declared context exception", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.contextName = "kiel";
    attrs(oxUser(plan, IDS.maria))[CONTEXT_EXCEPTION] = "works for the Kiel office since 2025";
    expectNone(await run(contextMatchesOrganisation, plan));
  });
  it("follows contextOrganisations from the config", async () => {
    const cfg = config({ contextOrganisations: { "ctx-hl": "luebeck" } });
    expectViolation(await run(contextMatchesOrganisation, buildResources(), cfg), "belongs in context ctx-hl");
  });
  describe("a mailbox in another organisation's context reported vaguely, or let through", () => {
    it("an organisation served by several contexts names only one, or the other organisation's", async () => {
      const cfg = config({ contextOrganisations: { "hl-a": "luebeck", "ki-a": "kiel", "hl-b": "luebeck" } });
      const plan = buildResources().filter((r) => r.name === `oxuser-${IDS.jan}`);
      expect(await messagesOf(contextMatchesOrganisation, plan, cfg)).toEqual([
        `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): context "luebeck" does not serve the owner's organisation: ${directoryPerson("jschmidt", IDS.jan, "luebeck", 15)} belongs in context hl-a or hl-b (declare userAttributes["${CONTEXT_EXCEPTION}"] with a reason if intended)`,
      ]);
      oxUser(plan, IDS.jan).props.contextName = "hl-b";
      expect(await messagesOf(contextMatchesOrganisation, plan, cfg)).toEqual([]);
    });
    it("a blank exception accepted as a reason", async () => {
      const plan = buildResources();
      oxUser(plan, IDS.maria).props.contextName = "kiel";
      attrs(oxUser(plan, IDS.maria))[CONTEXT_EXCEPTION] = "  ";
      expect(await messagesOf(contextMatchesOrganisation, plan)).toHaveLength(1);
    });
    it("an owner missing from the directory passes unchecked", async () => {
      const plan = buildResources();
      attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = MISSING_ID;
      delete attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.ownerId];
      expect(await messagesOf(contextMatchesOrganisation, plan)).toEqual([
        `mailbox maria.mueller@fa-luebeck.example (owner mmueller): context cannot be checked: owner id (none) is not in ${LDIF}`,
        `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): context cannot be checked: owner id ${MISSING_ID} is not in ${LDIF}`,
      ]);
    });
  });
  describe("a contextException taken for a reviewed decision the lock does not hold", () => {
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
});
