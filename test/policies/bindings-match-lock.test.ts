// bindings-match-lock: the declared bindings must equal the reviewed lock; with the exact messages and edge branches of how
// declared resources become lock entries.
import { describe, expect, it } from "vitest";
import { K8S } from "@oxmig/core/contract";
import { bindingsMatchLock } from "../../policies/rules/bindings-match-lock";
import { buildResources, FIXTURE_MAILBOXES, IDS } from "../fixtures/policies/plan";
import { attrs, config, expectNone, expectViolation, JAN_MAILBOX, lockEntries, MISSING_ID, oxUser, record, run, USER_ATTRIBUTES, writeLock } from "./helpers";
import { phasedEntries, writeHistoryLock } from "./lock-history-fixtures";
import { familyLock, kielMailboxes, luebeckMailboxes, shardConfig } from "./shard-fixtures";

// The stack's own name, from the URNs (the fixtures' stack is "test"), never a placeholder.
const REVIEW = "run `npx oxmig lock --stack test` and have the change reviewed";
const lock = writeLock(lockEntries());
const messages = async (plan: ReturnType<typeof buildResources>, lockFile = lock) =>
  (await run(bindingsMatchLock, plan, config({ lock: lockFile }))).map((v) => v.message);
/** Jan as every lock message names him: display name, address, uid, organisation, id. */
const JAN_PERSON = `Jan Schmidt <jan.schmidt@fa-luebeck.example> (jschmidt, luebeck, id ${IDS.jan})`;
const JAN_SOURCE = `jan.schmidt@fa-luebeck.example (Exchange mailbox of ${JAN_PERSON})`;

describe("bindings-match-lock", () => {
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
  describe("a declared resource read into the wrong lock entry, or its difference reported vaguely", () => {
    it("aliases compared in declaration order instead of sorted", async () => {
      const specs = FIXTURE_MAILBOXES.map((m) =>
        m.id === IDS.maria ? { ...m, aliases: ["m.mueller@fa-luebeck.example", "a.mueller@fa-luebeck.example"] } : m,
      );
      expect(await messages(buildResources(specs), writeLock(lockEntries(specs)))).toEqual([]);
    });
    it("several changed fields of one binding reported as one run-on text", async () => {
      const plan = buildResources();
      oxUser(plan, IDS.jan).props.imapLogin = "jan";
      oxUser(plan, IDS.jan).props.contextName = "kiel";
      expect(await messages(plan)).toEqual([
        `${JAN_MAILBOX}: jan.schmidt@fa-luebeck.example → ${JAN_PERSON} differs from the lock ${lock}: context: "luebeck" → "kiel"; login: "jschmidt" → "jan"; home: "/var/vmail/3f/${IDS.jan}" → ""; ${REVIEW}`,
      ]);
    });
    it("a binding whose source or key does not exist crashes the rule or borrows values", async () => {
      const plan = buildResources();
      attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.sourceGuid] = MISSING_ID;
      attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.keyName] = "key-none";
      expect(await messages(plan)).toEqual([
        `${JAN_MAILBOX}: (no source address) → ${JAN_PERSON} differs from the lock ${lock}: source: ${JAN_SOURCE} → (no source address) (ExchangeGuid ${MISSING_ID}, not in the Exchange export); key: {"name":"key-${IDS.jan}","keeper":"${IDS.jan}"} → {"name":"key-none","keeper":""}; ${REVIEW}`,
      ]);
    });
    it("a binding with missing fields filled with invented values", async () => {
      const plan = buildResources();
      const user = oxUser(plan, IDS.jan);
      for (const field of ["name", "imapLogin", "contextName", "primaryEmail", "email1", "defaultSenderAddress"]) delete user.props[field];
      delete attrs(user)[USER_ATTRIBUTES.sourceGuid];
      delete attrs(user)[USER_ATTRIBUTES.keyName];
      record(plan, "pairings-w01").props.data[K8S.pairingsDataKey] = "broken";
      const fields = [
        `wave: "w01" → ""`,
        `context: "luebeck" → ""`,
        `owner uid: "jschmidt" → "" (id ${IDS.jan})`,
        `source: ${JAN_SOURCE} → (no source address) (ExchangeGuid (none), not in the Exchange export)`,
        `login: "jschmidt" → ""`,
        `home: "/var/vmail/3f/${IDS.jan}" → ""`,
        `key: {"name":"key-${IDS.jan}","keeper":"${IDS.jan}"} → {"name":"","keeper":""}`,
        `addresses: ["jan.schmidt@fa-luebeck.example"] → []`,
      ];
      const found = await messages(plan);
      // The declared entry names the mailbox now: it has no address and its owner uid is empty.
      expect(found).toEqual([
        `mailbox maria.mueller@fa-luebeck.example (owner mmueller): maria.mueller@fa-luebeck.example → Maria Müller <maria.mueller@fa-luebeck.example> (mmueller, luebeck, id ${IDS.maria}) differs from the lock ${lock}: wave: "w01" → ""; ${REVIEW}`,
        `mailbox poststelle@fa-luebeck.example: poststelle@fa-luebeck.example → shared mailbox "Poststelle Lübeck" (id ${IDS.poststelle}) differs from the lock ${lock}: wave: "w01" → ""; ${REVIEW}`,
        `mailbox ${IDS.jan}: (no source address) → ${JAN_PERSON} differs from the lock ${lock}: ${fields.join("; ")}; ${REVIEW}`,
      ]);
    });
    it("a declared mailbox without id matched to a locked one", async () => {
      const plan = buildResources();
      delete attrs(oxUser(plan, IDS.raum))[USER_ATTRIBUTES.mailboxId];
      // Paired by its source, it is reported as the source moving to a mailbox without id.
      expect(await messages(plan)).toEqual([
        `mailbox raum-101@fa-kiel.example: source raum-101@fa-kiel.example is re-bound from room mailbox "Raum 101" (id ${IDS.raum}) to room mailbox "Raum 101" (id none) without a change of the lock ${lock}; the exports say it is the RoomMailbox "Raum 101"; also changes wave: "w02" → ""; ${REVIEW}`,
      ]);
    });
  });
  describe("a family lock: another shard's entries taken for undeclared mailboxes, or this shard's own missed", () => {
    it("compares only this shard's entries: other shards' entries are not 'no longer declared'", async () => {
      expectNone(await run(bindingsMatchLock, buildResources(luebeckMailboxes), shardConfig(familyLock())));
    });

    it("still reports this shard's own locked mailbox that is no longer declared", async () => {
      const found = await run(bindingsMatchLock, buildResources(luebeckMailboxes.slice(1)), shardConfig(familyLock()));
      expectViolation(found, `id ${luebeckMailboxes[0]!.id}) is in the lock`, "but no longer declared");
      expect(found.some((v) => v.message.includes(kielMailboxes[0]!.id))).toBe(false);
    });
  });
});
