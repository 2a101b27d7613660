import { describe, it, expect } from "vitest";
import { K8S, TYPES, type UserdbIndexEntry } from "@oxmig/core/contract";
import { userdbPasswdMatchesIndex } from "../../policies/rules/userdb-passwd-matches-index";
import { buildResources, IDS, keyResultFor } from "../fixtures/policies/plan";
import { editJson, expectNone, expectViolation, record, run, UNKNOWN_STRING } from "./helpers";

type Plan = ReturnType<typeof buildResources>;
const edit = (plan: Plan, context: string, change: (text: string) => string) => {
  const data = record(plan, `userdb-${context}`).props.stringData;
  data[K8S.userdbDataKey] = change(data[K8S.userdbDataKey]);
};
const JAN_HOME = "/var/vmail/3f/3f25c0de-2222-4a22-8222-000000000002";
const MARIA = `mailbox ${IDS.maria} (owner mmueller)`;

describe("userdb-passwd-matches-index", () => {
  it("accepts the rendered passwd-file, in stringData or in data, and an unknown one at preview", async () => {
    expectNone(await run(userdbPasswdMatchesIndex, buildResources()));
    expectNone(await run(userdbPasswdMatchesIndex, buildResources(undefined, { withSecrets: false })));
    const plan = buildResources();
    const secret = record(plan, "userdb-kiel").props;
    secret.data = { [K8S.userdbDataKey]: Buffer.from(secret.stringData[K8S.userdbDataKey]).toString("base64") };
    delete secret.stringData;
    expectNone(await run(userdbPasswdMatchesIndex, plan));
  });
  it("rejects a userdb_home override although field 6 matches the index", async () => {
    const plan = buildResources();
    edit(plan, "luebeck", (t) => t.replace(/^(mmueller:.*)$/m, `$1 userdb_home=${JAN_HOME}`));
    expectViolation(await run(userdbPasswdMatchesIndex, plan), MARIA, `passwd line 2 for "mmueller" gives home "${JAN_HOME}"`);
  });
  it("rejects two logins sharing one key password, without printing it", async () => {
    const plan = buildResources();
    edit(plan, "luebeck", (t) => t.replace(keyResultFor(IDS.maria), keyResultFor(IDS.jan)));
    const violations = await run(userdbPasswdMatchesIndex, plan);
    expectViolation(violations, MARIA, "logins jschmidt, mmueller share one key password");
    if (violations.some((v) => v.message.includes(keyResultFor(IDS.jan)))) throw new Error("a key password leaked");
  });
  it("rejects duplicate lines, mail overrides, missing lines and lines outside the index", async () => {
    const plan = buildResources();
    edit(plan, "luebeck", (t) => `${t}mmueller:::::${JAN_HOME}::userdb_mail=maildir:${JAN_HOME}\nghost:::::/x::\n`);
    edit(plan, "kiel", (t) => t.replace(/^pkoch:.*\n/m, ""));
    const violations = await run(userdbPasswdMatchesIndex, plan);
    expectViolation(violations, MARIA, "Dovecot uses only the first");
    expectViolation(violations, `mailbox ${IDS.petra} (owner pkoch)`, `passwd-file has no line for "pkoch"`);
    expectViolation(violations, `passwd line 5 for "ghost" is missing from the userdb index`);
  });
  it("rejects an index home the mailbox id does not give, and leaves other Secrets alone", async () => {
    const plan = buildResources();
    editJson<UserdbIndexEntry>(record(plan, "userdb-luebeck").props.metadata.annotations, K8S.annotationUserdbIndex, (ix) => {
      const at = ix.findIndex((e) => e.login === "mmueller");
      ix[at] = { ...ix[at]!, home: JAN_HOME };
    });
    expectViolation(await run(userdbPasswdMatchesIndex, plan), MARIA, `the index says "${JAN_HOME}"`);
    const other = { type: TYPES.secret, name: "ox-admin", props: { stringData: { password: "x" } }, protect: false };
    expectNone(await run(userdbPasswdMatchesIndex, [other]));
  });
  it("rejects a passwd line without a key password", async () => {
    const plan = buildResources();
    edit(plan, "kiel", (t) => t.replace(/^(pkoch:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*):.*$/m, "$1:"));
    expectViolation(await run(userdbPasswdMatchesIndex, plan), `mailbox ${IDS.petra}`, "gives no key password");
  });
  it("fails closed on a passwd-file it cannot read or an index it cannot read", async () => {
    const plan = buildResources();
    record(plan, "userdb-kiel").props.stringData = { [K8S.userdbDataKey]: 7 };
    record(plan, "userdb-luebeck").props.metadata.annotations[K8S.annotationUserdbIndex] = UNKNOWN_STRING;
    const violations = await run(userdbPasswdMatchesIndex, plan);
    expectViolation(violations, `mailbox ${IDS.petra}`, `the passwd-file cannot be read: stringData["passwd"] is not a string`);
    expectViolation(violations, "userdb userdb-luebeck", "is unknown at preview");
  });
});

const INDEX = `metadata.annotations["${K8S.annotationUserdbIndex}"]`;
const messages = async (plan: Plan) => (await run(userdbPasswdMatchesIndex, plan)).map((v) => v.message);
/** Like edit, and the change must really change the file. */
const editChanging = (plan: Plan, context: string, change: (text: string) => string) => {
  const data = record(plan, `userdb-${context}`).props.stringData;
  const next = change(data[K8S.userdbDataKey]);
  expect(next).not.toBe(data[K8S.userdbDataKey]);
  data[K8S.userdbDataKey] = next;
};

describe("userdb-passwd-matches-index branches", () => {
  it("registered under a name or description that does not say what it checks", () => {
    expect(userdbPasswdMatchesIndex.name).toBe("userdb-passwd-matches-index");
    expect(userdbPasswdMatchesIndex.enforcementLevel).toBe("mandatory");
    expect(userdbPasswdMatchesIndex.description).toMatch(/^Checks whether each userdb passwd-file line, read as Dovecot reads it, .*\.$/);
  });

  it("an index unknown at preview is named exactly once", async () => {
    const plan = buildResources();
    record(plan, "userdb-luebeck").props.metadata.annotations[K8S.annotationUserdbIndex] = UNKNOWN_STRING;
    expect(await messages(plan)).toEqual([`userdb userdb-luebeck: ${INDEX} is unknown at preview; binding-critical values must be known`]);
  });

  it("an index that is no JSON is rejected at preview too, when the passwd-file is not known yet", async () => {
    const plan = buildResources(undefined, { withSecrets: false });
    record(plan, "userdb-kiel").props.metadata.annotations[K8S.annotationUserdbIndex] = "[{";
    expect(await messages(plan)).toEqual([
      expect.stringMatching(/^userdb userdb-kiel: metadata\.annotations\["oxmig\.example\/userdb-index"\] is not valid JSON \(/),
    ]);
  });

  it("a passwd line with an empty home field says the home is empty", async () => {
    const plan = buildResources();
    editChanging(plan, "kiel", (t) => t.replace(/^(pkoch:[^:]*:[^:]*:[^:]*:[^:]*:)[^:]*/m, "$1"));
    const found = (await messages(plan)).filter((m) => m.includes("gives home"));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`passwd line 1 for "pkoch" gives home ""; the index says`);
  });

  it("a key password shared by two logins names those two only", async () => {
    const plan = buildResources();
    editChanging(plan, "luebeck", (t) => t.replace(keyResultFor(IDS.maria), keyResultFor(IDS.jan)));
    const shared = (await messages(plan)).filter((m) => m.includes("share one key password"));
    expect(shared).toHaveLength(2);
    expect(shared.every((m) => m.includes("logins jschmidt, mmueller share one key password"))).toBe(true);
    expect(shared.some((m) => m.includes("poststelle"))).toBe(false);
  });
});
