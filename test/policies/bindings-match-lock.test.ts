import { describe, expect, it } from "vitest";
import { bindingsMatchLock } from "../../policies/rules/bindings-match-lock";
import { buildResources, FIXTURE_MAILBOXES, IDS } from "../fixtures/policies/plan";
import { attrs, config, expectNone, expectViolation, lockEntries, oxUser, run, USER_ATTRIBUTES, writeLock } from "./helpers";
import { phasedEntries, writeHistoryLock } from "./lock-history-fixtures";

describe("bindings-match-lock", () => {
  const lock = writeLock(lockEntries());
  it("accepts a plan equal to its lock", async () => {
    expectNone(await run(bindingsMatchLock, buildResources(), config({ lock })));
  });
  it("accepts AD-style uids the lock spells with capitals (the program lower-cases logins)", async () => {
    const capitals = writeLock(
      lockEntries().map((e) => (e.owner ? { ...e, owner: { ...e.owner, uid: e.owner.uid.replace(/^./, (c) => c.toUpperCase()) } } : e)),
    );
    expectNone(await run(bindingsMatchLock, buildResources(), config({ lock: capitals })));
  });
  it("accepts a version-2 lock with history fields (phase, retired entries, context ids)", async () => {
    const v2 = writeHistoryLock({ mailboxes: phasedEntries({ w01: "cut-over" }), contexts: { luebeck: { id: 101 } } });
    expectNone(await run(bindingsMatchLock, buildResources(), config({ lock: v2 })));
  });
  it("rebinding without a lock change", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = IDS.julia;
    expectViolation(
      await run(bindingsMatchLock, plan, config({ lock })),
      "mailbox jan.schmidt@fa-luebeck.example",
      `owner: Jan Schmidt <jan.schmidt@fa-luebeck.example> (jschmidt, luebeck, id ${IDS.jan}) → Julia Schmidt`,
      `(jschmidt, kiel, id ${IDS.julia})`,
      "run `npx oxmig lock --stack test`",
    );
  });
  it("a source now on another person's mailbox: a re-binding from whom to whom, with the exports' word, and the stack's own lock command", async () => {
    const plan = buildResources();
    const [jan, maria] = [attrs(oxUser(plan, IDS.jan)), attrs(oxUser(plan, IDS.maria))];
    const [janSource, mariaSource] = [jan[USER_ATTRIBUTES.sourceGuid]!, maria[USER_ATTRIBUTES.sourceGuid]!];
    [jan[USER_ATTRIBUTES.sourceGuid], maria[USER_ATTRIBUTES.sourceGuid]] = [mariaSource, janSource];
    const found = await run(bindingsMatchLock, plan, config({ lock }));
    expectViolation(
      found,
      "mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): source maria.mueller@fa-luebeck.example is re-bound from Maria Müller <maria.mueller@fa-luebeck.example> (mmueller, luebeck, id",
      "to Jan Schmidt <jan.schmidt@fa-luebeck.example> (jschmidt, luebeck, id",
      "the exports say it is the Exchange mailbox of Maria Müller",
      "run `npx oxmig lock --stack test`",
    );
    expectViolation(found, "source jan.schmidt@fa-luebeck.example is re-bound from Jan Schmidt");
    for (const v of found) expect(v.message).not.toMatch(/<stack>|is in the lock .* but no longer declared/);
  });
  it("a containment is part of the reviewed binding: accepted once locked with its reason, rejected before", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.containment] = "INC-2026-0042: holds foreign mail";
    expectViolation(
      await run(bindingsMatchLock, plan, config({ lock })),
      "maria.mueller@fa-luebeck.example → Maria Müller",
      "differs from the lock",
      'containment: none → "INC-2026-0042: holds foreign mail"',
    );
    const approved = writeLock(lockEntries().map((e) => (e.mailbox === IDS.maria ? { ...e, contain: "INC-2026-0042: holds foreign mail" } : e)));
    expectNone(await run(bindingsMatchLock, plan, config({ lock: approved })));
    expectViolation(
      await run(bindingsMatchLock, buildResources(), config({ lock: approved })),
      "maria.mueller@fa-luebeck.example → Maria Müller",
      'containment: "INC-2026-0042: holds foreign mail" → none',
    );
  });
  it("rejects an added address", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.aliases.push("maria@fa-luebeck.example");
    expectViolation(
      await run(bindingsMatchLock, plan, config({ lock })),
      "maria.mueller@fa-luebeck.example → Maria Müller",
      "differs from the lock",
      "addresses: [",
      '"maria@fa-luebeck.example"]',
    );
  });
  it("rejects a mailbox missing from the lock and a locked mailbox missing from the plan", async () => {
    const partial = writeLock(lockEntries(FIXTURE_MAILBOXES.filter((m) => m.id !== IDS.raum)));
    expectViolation(
      await run(bindingsMatchLock, buildResources(), config({ lock: partial })),
      `raum-101@fa-kiel.example → room mailbox "Raum 101" (id ${IDS.raum}) is declared but not in the lock`,
    );
    const fewer = buildResources(FIXTURE_MAILBOXES.filter((m) => m.id !== IDS.petra));
    expectViolation(await run(bindingsMatchLock, fewer, config({ lock })), "→ Petra Koch", `id ${IDS.petra}) is in the lock`, "no longer declared");
  });
  it("requires a lock in prod, not in staging, and rejects a configured lock that does not exist", async () => {
    expectViolation(await run(bindingsMatchLock, buildResources(), config({ stackKind: "prod" })), "a prod stack needs a binding lock");
    expectNone(await run(bindingsMatchLock, buildResources(), config({ stackKind: "staging" })));
    expectViolation(await run(bindingsMatchLock, buildResources(), config({ lock: "/nonexistent/lock.yaml" })), "does not exist");
  });
});
