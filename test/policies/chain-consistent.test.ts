// chain-consistent: each mailbox's chain (OX name, key, userdb index and passwd line, pairing) must be the one derived from
// its owner's id; with the exact messages and edge branches of a broken link.
import { describe, expect, it } from "vitest";
import { K8S, type Pairing, type UserdbIndexEntry } from "@oxmig/core/contract";
import { chainConsistent } from "../../policies/rules/chain-consistent";
import { buildResources, IDS, keyResultFor } from "../fixtures/policies/plan";
import {
  attrs,
  editJson,
  expectNone,
  expectViolation,
  JAN_MAILBOX,
  MISSING_ID,
  oxUser,
  record,
  run,
  UNKNOWN_AT_PREVIEW,
  UNKNOWN_STRING,
  USER_ATTRIBUTES,
} from "./helpers";

const index = (plan: ReturnType<typeof buildResources>, context: string) => record(plan, `userdb-${context}`).props.metadata.annotations;
const messages = async (plan: ReturnType<typeof buildResources>) => (await run(chainConsistent, plan)).map((v) => v.message);
const editIndex = (plan: ReturnType<typeof buildResources>, context: string, edit: (ix: UserdbIndexEntry[]) => void) =>
  editJson<UserdbIndexEntry>(index(plan, context), K8S.annotationUserdbIndex, edit);
const editPairings = (plan: ReturnType<typeof buildResources>, wave: string, edit: (t: Pairing[]) => void) =>
  editJson<Pairing>(record(plan, `pairings-${wave}`).props.data, K8S.pairingsDataKey, edit);

describe("chain-consistent", () => {
  it("accepts a chain derived from the owners' ids (with and without secrets)", async () => {
    expectNone(await run(chainConsistent, buildResources()));
    expectNone(await run(chainConsistent, buildResources(undefined, { withSecrets: false })));
  });
  it("rejects an OX name that is not the owner's uid", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.jan).props.imapLogin = "jschmidt2";
    expectViolation(await run(chainConsistent, plan), `imapLogin is "jschmidt2", expected "jschmidt"`);
  });
  it("rejects a userdb home that is not derived from the owner's id", async () => {
    const plan = buildResources();
    editJson<UserdbIndexEntry>(index(plan, "luebeck"), K8S.annotationUserdbIndex, (ix) => {
      const at = ix.findIndex((e) => e.login === "jschmidt");
      ix[at] = { ...ix[at]!, home: "/var/vmail/0b/0b9a6c1e-1111-4a11-8111-000000000001" };
    });
    expectViolation(await run(chainConsistent, plan), `userdb index home of "jschmidt"`);
  });
  it("two keys swapped between people", async () => {
    const plan = buildResources();
    record(plan, `key-${IDS.maria}`).props.keepers.mailboxId = IDS.jan;
    record(plan, `key-${IDS.jan}`).props.keepers.mailboxId = IDS.maria;
    const violations = await run(chainConsistent, plan);
    expectViolation(violations, "mailbox maria.mueller@fa-luebeck.example (owner mmueller)", `keepers.mailboxId of key-${IDS.maria} is "${IDS.jan}"`);
  });
  it("rejects a passwd line carrying another person's key password (without printing it)", async () => {
    const plan = buildResources();
    const data = record(plan, "userdb-luebeck").props.stringData;
    data[K8S.userdbDataKey] = data[K8S.userdbDataKey].replace(keyResultFor(IDS.maria), keyResultFor(IDS.jan));
    const violations = await run(chainConsistent, plan);
    expectViolation(violations, `gives "mmueller" a key password that is not the result of its own key`);
    if (violations.some((v) => v.message.includes(keyResultFor(IDS.jan)))) throw new Error("a key password leaked into a message");
  });
  describe("the passwd-file as Dovecot reads it", () => {
    const passwdOf = (plan: ReturnType<typeof buildResources>, context: string) => record(plan, `userdb-${context}`).props.stringData;
    const edit = (plan: ReturnType<typeof buildResources>, context: string, change: (text: string) => string) => {
      const data = passwdOf(plan, context);
      data[K8S.userdbDataKey] = change(data[K8S.userdbDataKey]);
    };
    const JAN_HOME = "/var/vmail/3f/3f25c0de-2222-4a22-8222-000000000002";
    const noSecret = (violations: { message: string }[]) => {
      if (violations.some((v) => v.message.includes(keyResultFor(IDS.jan)) || v.message.includes(keyResultFor(IDS.maria))))
        throw new Error("a key password leaked into a message");
    };
    it("rejects a userdb_home extra field pointing at someone else's home", async () => {
      const plan = buildResources();
      edit(plan, "luebeck", (t) => t.replace(/^(mmueller:.*)$/m, `$1 userdb_home=${JAN_HOME}`));
      expectViolation(
        await run(chainConsistent, plan),
        "mailbox maria.mueller@fa-luebeck.example (owner mmueller)",
        `gives "mmueller" home "${JAN_HOME}", expected`,
      );
    });
    it("rejects a key password field repeated with another person's key (the last one wins)", async () => {
      const plan = buildResources();
      edit(plan, "luebeck", (t) => t.replace(/^(mmueller:.*)$/m, `$1 userdb_mail_crypt_private_password=${keyResultFor(IDS.jan)}`));
      const violations = await run(chainConsistent, plan);
      expectViolation(violations, "mailbox maria.mueller@fa-luebeck.example", `gives "mmueller" a key password that is not the result of its own key`);
      expectViolation(violations, "mailbox maria.mueller@fa-luebeck.example", "userdb field mail_crypt_private_password is set 2 times");
      noSecret(violations);
    });
    it("rejects a second line for a login, even when the first one is right", async () => {
      const plan = buildResources();
      edit(plan, "luebeck", (t) => `${t}mmueller:::::${JAN_HOME}::userdb_mail_crypt_private_password=${keyResultFor(IDS.jan)}\n`);
      const violations = await run(chainConsistent, plan);
      expectViolation(violations, "mailbox maria.mueller@fa-luebeck.example", "Dovecot uses only the first");
      noSecret(violations);
    });
    it("rejects a mail location override", async () => {
      const plan = buildResources();
      edit(plan, "luebeck", (t) => t.replace(/^(mmueller:.*)$/m, `$1 userdb_mail=maildir:${JAN_HOME}/Maildir`));
      expectViolation(await run(chainConsistent, plan), "mailbox maria.mueller@fa-luebeck.example", "mail location is overridden");
    });
    it("reads a passwd-file in data (base64) and rejects a crossed line there", async () => {
      const plan = buildResources();
      const secret = record(plan, "userdb-luebeck").props;
      const crossed = (secret.stringData[K8S.userdbDataKey] as string).replace(keyResultFor(IDS.maria), keyResultFor(IDS.jan));
      delete secret.stringData;
      secret.data = { [K8S.userdbDataKey]: Buffer.from(crossed).toString("base64") };
      const violations = await run(chainConsistent, plan);
      expectViolation(violations, "mailbox maria.mueller@fa-luebeck.example", `gives "mmueller" a key password that is not the result of its own key`);
      noSecret(violations);
    });
    it("rejects a userdb without a readable passwd-file, naming its mailboxes", async () => {
      const plan = buildResources();
      delete record(plan, "userdb-kiel").props.stringData;
      expectViolation(
        await run(chainConsistent, plan),
        "mailbox petra.koch@fa-kiel.example",
        "userdb-kiel passwd-file cannot be read: the Secret holds no passwd-file",
      );
    });
    it("rejects a passwd line without a key password", async () => {
      const plan = buildResources();
      edit(plan, "kiel", (t) => t.replace(/^(pkoch:(?:[^:]*:){6}).*$/m, "$1"));
      expectViolation(await run(chainConsistent, plan), "mailbox petra.koch@fa-kiel.example", `gives "pkoch" no key password`);
    });
    it("rejects a mailbox whose login has no passwd line", async () => {
      const plan = buildResources();
      edit(plan, "kiel", (t) => t.replace(/^pkoch:.*\n/m, ""));
      expectViolation(await run(chainConsistent, plan), "mailbox petra.koch@fa-kiel.example", `userdb-kiel passwd-file has no line for "pkoch"`);
    });
    it("accepts a passwd-file in data, and a passwd unknown at preview whose index is known", async () => {
      const plan = buildResources();
      const secret = record(plan, "userdb-kiel").props;
      secret.data = { [K8S.userdbDataKey]: Buffer.from(secret.stringData[K8S.userdbDataKey]).toString("base64") };
      delete secret.stringData;
      expectNone(await run(chainConsistent, plan));
      expectNone(await run(chainConsistent, buildResources(undefined, { withSecrets: false })));
    });
  });
  it("rejects a key used by no mailbox and a mailbox whose key is missing", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.raum))[USER_ATTRIBUTES.keyName] = `key-${IDS.petra}`;
    record(plan, `key-${IDS.raum}`).name = "key-orphan";
    const violations = await run(chainConsistent, plan);
    expectViolation(violations, `key key-${IDS.petra} is used by 2 mailboxes`);
    expectViolation(violations, `key resource key-${IDS.raum} does not exist`);
  });
  it("source mailbox paired to a different person's target", async () => {
    const plan = buildResources();
    editJson<Pairing>(record(plan, "pairings-w01").props.data, K8S.pairingsDataKey, (t) => {
      t[0] = { ...t[0]!, targetLogin: "jschmidt" };
    });
    expectViolation(await run(chainConsistent, plan), "mailbox maria.mueller@fa-luebeck.example", `copies into target login "jschmidt", expected "mmueller"`);
  });
  it("rejects a pairing whose source login is not the owner's UPN", async () => {
    const plan = buildResources();
    editJson<Pairing>(record(plan, "pairings-w01").props.data, K8S.pairingsDataKey, (t) => {
      t[1] = { ...t[1]!, sourceLogin: "mmueller@corp.example" };
    });
    expectViolation(await run(chainConsistent, plan), `pairs source login "mmueller@corp.example", but the mailbox's source is jschmidt@corp.example`);
  });
  it("owner column shifted by one row within a wave", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.ownerId] = IDS.jan;
    expectViolation(await run(chainConsistent, plan), `userAttributes oxmig/mailbox-id is "${IDS.maria}", expected "${IDS.jan}"`);
  });
  it("rejects a userdb line no OX user logs in with", async () => {
    const plan = buildResources();
    editJson<UserdbIndexEntry>(index(plan, "kiel"), K8S.annotationUserdbIndex, (ix) => ix.push({ ...ix[0]!, login: "intruder" }));
    expectViolation(await run(chainConsistent, plan), `line for "intruder" that no OX user of context kiel logs in with`);
  });
  it("fails closed when a key's keeper is unknown at preview", async () => {
    const plan = buildResources(undefined, { withSecrets: false });
    record(plan, `key-${IDS.petra}`).props.keepers.mailboxId = UNKNOWN_STRING;
    expectViolation(await run(chainConsistent, plan), `key key-${IDS.petra} keepers.mailboxId is unknown at preview`);
  });
  describe("a broken link reported without saying which, or an edge case let through", () => {
    it("an unknown or broken userdb index or pairing table passes", async () => {
      const plan = buildResources(undefined, { withSecrets: false });
      record(plan, "userdb-kiel").props.metadata.annotations[K8S.annotationUserdbIndex] = UNKNOWN_STRING;
      record(plan, "userdb-luebeck").props.metadata.annotations[K8S.annotationUserdbIndex] = "[1]";
      record(plan, "pairings-w02").props.data[K8S.pairingsDataKey] = UNKNOWN_STRING;
      const found = await messages(plan);
      expect(found.slice(0, 3)).toEqual([
        `userdb userdb-luebeck: metadata.annotations["${K8S.annotationUserdbIndex}"] entry 0 lacks one of login, home, mailboxId, keyName`,
        `userdb userdb-kiel: metadata.annotations["${K8S.annotationUserdbIndex}"] ${UNKNOWN_AT_PREVIEW}`,
        `pairing table pairings-w02: data["${K8S.pairingsDataKey}"] ${UNKNOWN_AT_PREVIEW}`,
      ]);
      expect(found.slice(3)).toContain(`${JAN_MAILBOX}: userdb-luebeck has 0 index lines for login "jschmidt", expected exactly one`);
    });
    it("a mailbox whose owner or source is not in the exports passes unchecked", async () => {
      const plan = buildResources();
      attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = MISSING_ID;
      attrs(oxUser(plan, IDS.raum))[USER_ATTRIBUTES.sourceGuid] = MISSING_ID;
      const found = await messages(plan);
      expect(found).toContain(`${JAN_MAILBOX}: chain cannot be checked: the owner id ${MISSING_ID} is not in the exports`);
      expect(found).toContain(
        `mailbox raum-101@fa-kiel.example (owner room-raum101): chain cannot be checked: the source ExchangeGuid ${MISSING_ID} is not in the exports`,
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
      expect(found).toContain(`${JAN_MAILBOX}: OX name is "jan", expected "jschmidt" (derived from mailbox id ${IDS.jan})`);
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
      expect(found).toContain(`${JAN_MAILBOX}: userdb-undefined has 0 index lines for login "jschmidt", expected exactly one`);
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
          new RegExp(
            `^${JAN_MAILBOX.replace(/[()]/g, "\\$&")}: userdb passwd line 1 gives "jschmidt" home "/var/vmail/xx/[^"]+", expected "/var/vmail/3f/[^"]+"$`,
          ),
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
});
