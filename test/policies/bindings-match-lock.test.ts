import { describe, it } from "vitest";
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
    const capitals = writeLock(lockEntries().map((e) => (e.owner ? { ...e, owner: { ...e.owner, uid: e.owner.uid.replace(/^./, (c) => c.toUpperCase()) } } : e)));
    expectNone(await run(bindingsMatchLock, buildResources(), config({ lock: capitals })));
  });
  it("accepts a version-2 lock with history fields (phase, retired entries, context ids)", async () => {
    const v2 = writeHistoryLock({ mailboxes: phasedEntries({ w01: "cut-over" }), contexts: { luebeck: { id: 101 } } });
    expectNone(await run(bindingsMatchLock, buildResources(), config({ lock: v2 })));
  });
  it("rebinding without a lock change", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = IDS.julia;
    expectViolation(await run(bindingsMatchLock, plan, config({ lock })), "mailbox jan.schmidt@fa-luebeck.example", `owner locked {"id":"${IDS.jan}"`, `declared {"id":"${IDS.julia}"`, "npx oxmig lock --stack");
  });
  it("rejects an added address", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.aliases.push("maria@fa-luebeck.example");
    expectViolation(await run(bindingsMatchLock, plan, config({ lock })), "addresses locked", "maria@fa-luebeck.example");
  });
  it("rejects a mailbox missing from the lock and a locked mailbox missing from the plan", async () => {
    const partial = writeLock(lockEntries(FIXTURE_MAILBOXES.filter((m) => m.id !== IDS.raum)));
    expectViolation(await run(bindingsMatchLock, buildResources(), config({ lock: partial })), `mailbox ${IDS.raum} is declared but not in the lock`);
    const fewer = buildResources(FIXTURE_MAILBOXES.filter((m) => m.id !== IDS.petra));
    expectViolation(await run(bindingsMatchLock, fewer, config({ lock })), `mailbox ${IDS.petra} is in the lock`, "no longer declared");
  });
  it("requires a lock in prod, not in staging, and rejects a configured lock that does not exist", async () => {
    expectViolation(await run(bindingsMatchLock, buildResources(), config({ stackKind: "prod" })), "a prod stack needs a binding lock");
    expectNone(await run(bindingsMatchLock, buildResources(), config({ stackKind: "staging" })));
    expectViolation(await run(bindingsMatchLock, buildResources(), config({ lock: "/nonexistent/lock.yaml" })), "does not exist");
  });
});
