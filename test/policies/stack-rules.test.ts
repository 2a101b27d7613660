// Exact messages and edge branches of the stack-wide uniqueness rules.
import { describe, expect, it } from "vitest";
import { K8S, type Pairing, type UserdbIndexEntry } from "../../core/contract";
import { oneMailboxPerPerson } from "../../policies/rules/one-mailbox-per-person";
import { sourceMigratesOnce } from "../../policies/rules/source-migrates-once";
import { uniqueLogins } from "../../policies/rules/unique-logins";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { LDIF } from "./files";
import { attrs, editJson, oxUser, record, run, UNKNOWN_STRING, USER_ATTRIBUTES } from "./helpers";

const MISSING = "00000000-0000-4000-8000-0000000000ff";
const messages = async (...args: Parameters<typeof run>) => (await run(...args)).map((v) => v.message);
const UNKNOWN = "is unknown at preview; binding-critical values must be known";

describe("one-mailbox-per-person messages", () => {
  it("a person's second mailbox reported without the other mailbox or under the wrong owner", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = MISSING;
    attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.ownerId] = MISSING;
    const text = `owner id ${MISSING} (not in ${LDIF}) owns 2 personal mailboxes: maria.mueller@fa-luebeck.example, jan.schmidt@fa-luebeck.example`;
    expect(await messages(oneMailboxPerPerson, plan)).toEqual([
      `mailbox maria.mueller@fa-luebeck.example (owner mmueller): ${text}`,
      `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): ${text}`,
    ]);
  });
  it("a shared mailbox counted as its (wrongly declared) owner's personal mailbox", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.poststelle))[USER_ATTRIBUTES.ownerId] = IDS.maria;
    expect(await messages(oneMailboxPerPerson, plan)).toEqual([]);
  });
});

describe("source-migrates-once messages", () => {
  it("a broken pairing table passes, or hides the sources it should pair", async () => {
    const plan = buildResources();
    record(plan, "pairings-w02").props.data[K8S.pairingsDataKey] = "not json";
    record(plan, "pairings-w01").props.metadata.labels[K8S.labelWave] = UNKNOWN_STRING;
    const found = await messages(sourceMigratesOnce, plan);
    expect(found.slice(0, 2)).toEqual([
      `pairing table pairings-w01: metadata.labels.${K8S.labelWave} ${UNKNOWN}`,
      expect.stringMatching(/^pairing table pairings-w02: data\["pairings.json"\] is not valid JSON \(.+\)$/),
    ]);
    expect(found.slice(2)).toEqual([
      `mailbox petra.koch@fa-kiel.example (owner pkoch): source ExchangeGuid e0000000-0000-4000-8000-000000000004 appears in 0 pairings; expected exactly one`,
      `mailbox raum-101@fa-kiel.example (owner room-raum101): source ExchangeGuid ${IDS.raum} appears in 0 pairings; expected exactly one`,
    ]);
  });
  it("a doubly used, doubly paired source reported without naming both", async () => {
    const plan = buildResources();
    const guid = "e0000000-0000-4000-8000-000000000001";
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.sourceGuid] = guid.toUpperCase();
    editJson<Pairing>(record(plan, "pairings-w01").props.data, K8S.pairingsDataKey, (t) => {
      t[1] = { ...t[1]!, sourceExchangeGuid: guid };
    });
    const backs = `source ExchangeGuid ${guid} backs 2 mailboxes: maria.mueller@fa-luebeck.example, jan.schmidt@fa-luebeck.example`;
    const pairs = `source ExchangeGuid ${guid} appears in 2 pairings: pairings-w01 (mailbox ${IDS.maria}), pairings-w01 (mailbox ${IDS.jan}); expected exactly one`;
    expect(await messages(sourceMigratesOnce, plan)).toEqual([
      `mailbox maria.mueller@fa-luebeck.example (owner mmueller): ${backs}`,
      `mailbox maria.mueller@fa-luebeck.example (owner mmueller): ${pairs}`,
      `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): ${backs}`,
      `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): ${pairs}`,
    ]);
  });
  it("a mailbox without a declared source crashes the rule", async () => {
    const plan = buildResources();
    delete attrs(oxUser(plan, IDS.raum))[USER_ATTRIBUTES.sourceGuid];
    expect(await messages(sourceMigratesOnce, plan)).toEqual([
      `mailbox ${IDS.raum} (owner room-raum101): pairing in pairings-w02 migrates source ExchangeGuid ${IDS.raum}, which no OX user declares as its source`,
    ]);
  });
});

describe("unique-logins messages", () => {
  it("one person's mailboxes in two contexts taken for two people sharing a name", async () => {
    const plan = buildResources();
    const copy = structuredClone(oxUser(plan, IDS.jan));
    copy.name = "oxuser-copy";
    copy.props.contextName = "kiel";
    copy.props.imapLogin = "jschmidt-kiel";
    copy.props.userAttributes[USER_ATTRIBUTES.mailboxId] = "copy-id";
    expect(await messages(uniqueLogins, [...plan, copy])).toEqual([]);
  });
  it("two mailboxes with one name in one context reported without both names", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.poststelle).props.name = "mmueller";
    oxUser(plan, IDS.poststelle).props.imapLogin = "x";
    const text = `"luebeck/mmueller" is used by 2 mailboxes: maria.mueller@fa-luebeck.example, poststelle@fa-luebeck.example`;
    const across = `OX name "mmueller" is used by 2 mailboxes: maria.mueller@fa-luebeck.example, poststelle@fa-luebeck.example`;
    expect(await messages(uniqueLogins, plan)).toEqual([
      `mailbox maria.mueller@fa-luebeck.example (owner mmueller): OX name in context ${text}`,
      `mailbox poststelle@fa-luebeck.example (owner mmueller): OX name in context ${text}`,
      `mailbox maria.mueller@fa-luebeck.example (owner mmueller): ${across}`,
      `mailbox poststelle@fa-luebeck.example (owner mmueller): ${across}`,
    ]);
  });
  it("mailboxes without an OX name grouped as one name", async () => {
    const plan = buildResources();
    delete oxUser(plan, IDS.maria).props.name;
    delete oxUser(plan, IDS.jan).props.name;
    expect(await messages(uniqueLogins, plan)).toEqual([]);
  });
  it("a broken userdb index passes, or a doubled line is not located", async () => {
    const plan = buildResources();
    record(plan, "userdb-luebeck").props.metadata.annotations[K8S.annotationUserdbIndex] = "{}";
    record(plan, "userdb-kiel").props.metadata.labels[K8S.labelContext] = "kiel";
    editJson<UserdbIndexEntry>(record(plan, "userdb-kiel").props.metadata.annotations, K8S.annotationUserdbIndex, (ix) =>
      ix.push({ ...ix[0]!, mailboxId: "other-id" }),
    );
    const where = `userdb-kiel (mailbox ${IDS.petra}), userdb-kiel (mailbox other-id)`;
    expect(await messages(uniqueLogins, plan)).toEqual([
      `userdb userdb-luebeck: metadata.annotations["${K8S.annotationUserdbIndex}"] is not a JSON array`,
      `mailbox ${IDS.petra}: Dovecot login "pkoch" has 2 userdb lines: ${where}`,
      `mailbox other-id: Dovecot login "pkoch" has 2 userdb lines: ${where}`,
    ]);
  });
  it("an unknown userdb index reported with the wrong wording", async () => {
    const plan = buildResources();
    record(plan, "userdb-kiel").props.metadata.annotations[K8S.annotationUserdbIndex] = UNKNOWN_STRING;
    expect(await messages(uniqueLogins, plan)).toEqual([`userdb userdb-kiel: metadata.annotations["${K8S.annotationUserdbIndex}"] ${UNKNOWN}`]);
  });
});
