// Exact messages and edge branches of chain-consistent.
import { describe, expect, it } from "vitest";
import { K8S, type Pairing, type UserdbIndexEntry } from "../../core/contract";
import { chainConsistent } from "../../policies/rules/chain-consistent";
import { buildResources, IDS, keyResultFor } from "../fixtures/policies/plan";
import { attrs, editJson, oxUser, record, run, UNKNOWN_STRING, USER_ATTRIBUTES } from "./helpers";

const MISSING = "00000000-0000-4000-8000-0000000000ff";
const UNKNOWN = "is unknown at preview; binding-critical values must be known";
const JAN = "mailbox jan.schmidt@fa-luebeck.example (owner jschmidt)";
const messages = async (plan: ReturnType<typeof buildResources>) => (await run(chainConsistent, plan)).map((v) => v.message);
const editIndex = (plan: ReturnType<typeof buildResources>, context: string, edit: (ix: UserdbIndexEntry[]) => void) =>
  editJson<UserdbIndexEntry>(record(plan, `userdb-${context}`).props.metadata.annotations, K8S.annotationUserdbIndex, edit);
const editPairings = (plan: ReturnType<typeof buildResources>, wave: string, edit: (t: Pairing[]) => void) =>
  editJson<Pairing>(record(plan, `pairings-${wave}`).props.data, K8S.pairingsDataKey, edit);

describe("chain-consistent messages", () => {
  it("an unknown or broken userdb index or pairing table passes", async () => {
    const plan = buildResources(undefined, { withSecrets: false });
    record(plan, "userdb-kiel").props.metadata.annotations[K8S.annotationUserdbIndex] = UNKNOWN_STRING;
    record(plan, "userdb-luebeck").props.metadata.annotations[K8S.annotationUserdbIndex] = "[1]";
    record(plan, "pairings-w02").props.data[K8S.pairingsDataKey] = UNKNOWN_STRING;
    const found = await messages(plan);
    expect(found.slice(0, 3)).toEqual([
      `userdb userdb-luebeck: metadata.annotations["${K8S.annotationUserdbIndex}"] entry 0 lacks one of login, home, mailboxId, keyName`,
      `userdb userdb-kiel: metadata.annotations["${K8S.annotationUserdbIndex}"] ${UNKNOWN}`,
      `pairing table pairings-w02: data["${K8S.pairingsDataKey}"] ${UNKNOWN}`,
    ]);
    expect(found.slice(3)).toContain(`${JAN}: userdb-luebeck has 0 index lines for login "jschmidt", expected exactly one`);
  });
  it("a mailbox whose owner or source is not in the exports passes unchecked", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = MISSING;
    attrs(oxUser(plan, IDS.raum))[USER_ATTRIBUTES.sourceGuid] = MISSING;
    const found = await messages(plan);
    expect(found).toContain(`${JAN}: chain cannot be checked: the owner id ${MISSING} is not in the exports`);
    expect(found).toContain(
      `mailbox raum-101@fa-kiel.example (owner room-raum101): chain cannot be checked: the source ExchangeGuid ${MISSING} is not in the exports`,
    );
  });
  it("a wrong OX name, key name or index line reported without saying which link broke", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.jan).props.name = "jan";
    attrs(oxUser(plan, IDS.petra))[USER_ATTRIBUTES.keyName] = "key-x";
    editIndex(plan, "luebeck", (ix) => {
      const at = ix.findIndex((e) => e.login === "mmueller");
      ix[at] = { ...ix[at]!, mailboxId: IDS.jan, keyName: `key-${IDS.jan}` };
    });
    const found = await messages(plan);
    expect(found).toContain(`${JAN}: OX name is "jan", expected "jschmidt" (derived from mailbox id ${IDS.jan})`);
    expect(found).toContain(
      `mailbox petra.koch@fa-kiel.example (owner pkoch): userAttributes oxmig/key-name is "key-x", expected "key-${IDS.petra}" (derived from mailbox id ${IDS.petra})`,
    );
    expect(found).toContain(
      `mailbox maria.mueller@fa-luebeck.example (owner mmueller): userdb index mailboxId of "mmueller" is "${IDS.jan}", expected "${IDS.maria}" (derived from mailbox id ${IDS.maria})`,
    );
    expect(found).toContain(
      `mailbox maria.mueller@fa-luebeck.example (owner mmueller): userdb index keyName of "mmueller" is "key-${IDS.jan}", expected "key-${IDS.maria}" (derived from mailbox id ${IDS.maria})`,
    );
  });
  it("a mailbox without a context crashes the rule", async () => {
    const plan = buildResources(undefined, { withSecrets: false });
    delete oxUser(plan, IDS.jan).props.contextName;
    const found = await messages(plan);
    expect(found).toContain(`${JAN}: userdb-undefined has 0 index lines for login "jschmidt", expected exactly one`);
    expect(found.filter((m) => m.includes("could not finish"))).toEqual([]);
  });
  it("a passwd line with the wrong home, or a key password checked before the key exists", async () => {
    const plan = buildResources();
    const data = record(plan, "userdb-luebeck").props.stringData;
    data[K8S.userdbDataKey] = data[K8S.userdbDataKey].replace(`jschmidt:::::/var/vmail/3f`, `jschmidt:::::/var/vmail/xx`);
    delete record(plan, `key-${IDS.maria}`).props.result;
    const found = await messages(plan);
    expect(found).toEqual([
      expect.stringMatching(
        new RegExp(`^${JAN.replace(/[()]/g, "\\$&")}: userdb passwd line 1 gives "jschmidt" home "/var/vmail/xx/[^"]+", expected "/var/vmail/3f/[^"]+"$`),
      ),
    ]);
    expect(found.join("\n")).not.toContain(keyResultFor(IDS.maria));
  });
  it("a pairing of another ExchangeGuid passes", async () => {
    const plan = buildResources();
    editPairings(plan, "w01", (t) => {
      t[1] = { ...t[1]!, sourceExchangeGuid: "E0000000-0000-4000-8000-000000000002" };
      t[0] = { ...t[0]!, sourceExchangeGuid: "e0000000-0000-4000-8000-000000000005" };
    });
    expect(await messages(plan)).toEqual([
      `mailbox maria.mueller@fa-luebeck.example (owner mmueller): pairings-w01 pairs source ExchangeGuid e0000000-0000-4000-8000-000000000005, but the OX user declares e0000000-0000-4000-8000-000000000001`,
    ]);
  });
  it("keys used by no mailbox or by several reported without naming them", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.raum))[USER_ATTRIBUTES.keyName] = `key-${IDS.petra}`;
    record(plan, `key-${IDS.raum}`).name = "key-orphan";
    delete record(plan, "key-orphan").props.keepers.mailboxId;
    const found = await messages(plan);
    expect(found).toContain(
      `mailbox ${IDS.petra}: key key-${IDS.petra} is used by 2 mailboxes: petra.koch@fa-kiel.example, raum-101@fa-kiel.example; expected exactly one`,
    );
    expect(found).toContain(`mailbox key-orphan: key key-orphan is used by 0 mailboxes; expected exactly one`);
  });
  it("a passwd line missing from the userdb index passes", async () => {
    const plan = buildResources();
    record(plan, "userdb-kiel").props.stringData[K8S.userdbDataKey] += "\nghost:::::/var/vmail/gh/ghost::\n";
    expect(await messages(plan)).toEqual([`userdb userdb-kiel passwd line 4 for "ghost" is missing from the userdb index`]);
  });
});
