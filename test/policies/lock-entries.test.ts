// Exact messages and edge branches of bindings-match-lock: how declared resources become lock entries.
import { describe, expect, it } from "vitest";
import { K8S } from "../../core/contract";
import { bindingsMatchLock } from "../../policies/rules/bindings-match-lock";
import { buildResources, FIXTURE_MAILBOXES, IDS } from "../fixtures/policies/plan";
import { attrs, config, lockEntries, oxUser, record, run, USER_ATTRIBUTES, writeLock } from "./helpers";

const MISSING = "00000000-0000-4000-8000-0000000000ff";
// The stack's own name, from the URNs (the fixtures' stack is "test"), never a placeholder.
const REVIEW = "run `npx oxmig lock --stack test` and have the change reviewed";
const lock = writeLock(lockEntries());
const messages = async (plan: ReturnType<typeof buildResources>, lockFile = lock) =>
  (await run(bindingsMatchLock, plan, config({ lock: lockFile }))).map((v) => v.message);
const JAN = "mailbox jan.schmidt@fa-luebeck.example (owner jschmidt)";
/** Jan as every lock message names him: display name, address, uid, organisation, id. */
const JAN_PERSON = `Jan Schmidt <jan.schmidt@fa-luebeck.example> (jschmidt, luebeck, id ${IDS.jan})`;
const JAN_SOURCE = `jan.schmidt@fa-luebeck.example (Exchange mailbox of ${JAN_PERSON})`;

describe("bindings-match-lock entries", () => {
  it("aliases compared in declaration order instead of sorted", async () => {
    const specs = FIXTURE_MAILBOXES.map((m) => (m.id === IDS.maria ? { ...m, aliases: ["m.mueller@fa-luebeck.example", "a.mueller@fa-luebeck.example"] } : m));
    expect(await messages(buildResources(specs), writeLock(lockEntries(specs)))).toEqual([]);
  });
  it("several changed fields of one binding reported as one run-on text", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.jan).props.imapLogin = "jan";
    oxUser(plan, IDS.jan).props.contextName = "kiel";
    expect(await messages(plan)).toEqual([
      `${JAN}: jan.schmidt@fa-luebeck.example → ${JAN_PERSON} differs from the lock ${lock}: context: "luebeck" → "kiel"; login: "jschmidt" → "jan"; home: "/var/vmail/3f/${IDS.jan}" → ""; ${REVIEW}`,
    ]);
  });
  it("a binding whose source or key does not exist crashes the rule or borrows values", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.sourceGuid] = MISSING;
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.keyName] = "key-none";
    expect(await messages(plan)).toEqual([
      `${JAN}: (no source address) → ${JAN_PERSON} differs from the lock ${lock}: source: ${JAN_SOURCE} → (no source address) (ExchangeGuid ${MISSING}, not in the Exchange export); key: {"name":"key-${IDS.jan}","keeper":"${IDS.jan}"} → {"name":"key-none","keeper":""}; ${REVIEW}`,
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
