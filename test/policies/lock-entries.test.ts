// Exact messages and edge branches of bindings-match-lock: how declared resources become lock entries.
import { describe, expect, it } from "vitest";
import { K8S } from "../../core/contract";
import { bindingsMatchLock } from "../../policies/rules/bindings-match-lock";
import { buildResources, FIXTURE_MAILBOXES, IDS } from "../fixtures/policies/plan";
import { attrs, config, lockEntries, oxUser, record, run, USER_ATTRIBUTES, writeLock } from "./helpers";

const MISSING = "00000000-0000-4000-8000-0000000000ff";
const REVIEW = "run `npx oxmig lock --stack <stack>` and have the change reviewed";
const lock = writeLock(lockEntries());
const messages = async (plan: ReturnType<typeof buildResources>, lockFile = lock) => (await run(bindingsMatchLock, plan, config({ lock: lockFile }))).map((v) => v.message);
const JAN = "mailbox jan.schmidt@fa-luebeck.example (owner jschmidt)";

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
      `${JAN}: binding differs from the lock ${lock}: context locked "luebeck", declared "kiel"; login locked "jschmidt", declared "jan"; home locked "/var/vmail/3f/${IDS.jan}", declared ""; ${REVIEW}`,
    ]);
  });
  it("a binding whose source or key does not exist crashes the rule or borrows values", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.sourceGuid] = MISSING;
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.keyName] = "key-none";
    expect(await messages(plan)).toEqual([
      `${JAN}: binding differs from the lock ${lock}: source locked {"address":"jan.schmidt@fa-luebeck.example","exchangeGuid":"e0000000-0000-4000-8000-000000000002"}, declared {"address":"","exchangeGuid":"${MISSING}"}; key locked {"name":"key-${IDS.jan}","keeper":"${IDS.jan}"}, declared {"name":"key-none","keeper":""}; ${REVIEW}`,
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
      `wave locked "w01", declared ""`,
      `context locked "luebeck", declared ""`,
      `owner locked {"id":"${IDS.jan}","uid":"jschmidt"}, declared {"id":"${IDS.jan}","uid":""}`,
      `source locked {"address":"jan.schmidt@fa-luebeck.example","exchangeGuid":"e0000000-0000-4000-8000-000000000002"}, declared {"address":"","exchangeGuid":""}`,
      `login locked "jschmidt", declared ""`,
      `home locked "/var/vmail/3f/${IDS.jan}", declared ""`,
      `key locked {"name":"key-${IDS.jan}","keeper":"${IDS.jan}"}, declared {"name":"","keeper":""}`,
      `addresses locked ["jan.schmidt@fa-luebeck.example"], declared []`,
    ];
    const found = await messages(plan);
    // The declared entry names the mailbox now: it has no address and its owner uid is empty.
    expect(found).toEqual([
      `mailbox maria.mueller@fa-luebeck.example (owner mmueller): binding differs from the lock ${lock}: wave locked "w01", declared ""; ${REVIEW}`,
      `mailbox ${IDS.jan}: binding differs from the lock ${lock}: ${fields.join("; ")}; ${REVIEW}`,
      `mailbox poststelle@fa-luebeck.example: binding differs from the lock ${lock}: wave locked "w01", declared ""; ${REVIEW}`,
    ]);
  });
  it("a declared mailbox without id matched to a locked one", async () => {
    const plan = buildResources();
    delete attrs(oxUser(plan, IDS.raum))[USER_ATTRIBUTES.mailboxId];
    expect(await messages(plan)).toEqual([
      `mailbox raum-101@fa-kiel.example: mailbox  is declared but not in the lock ${lock}; ${REVIEW}`,
      `mailbox raum-101@fa-kiel.example: mailbox ${IDS.raum} is in the lock ${lock} but no longer declared; ${REVIEW}`,
    ]);
  });
});
