import { describe, expect, it } from "vitest";
import { K8S, type Pairing } from "@oxmig/core/contract";
import { LIFECYCLE_DATA_KEY, lifecycleOf } from "@oxmig/core/lifecycle";
import { renderMigrationScript } from "@oxmig/core/migration-script";
import { loginsAreLiteral } from "../../policies/rules/logins-are-literal";
import { buildResources, IDS, type ResourceRecord } from "../fixtures/policies/plan";
import { editJson, expectNone, expectViolation, oxUser, record, run, UNKNOWN_STRING } from "./helpers";

/** The fixture with each wave's real rendered migrate.sh and lifecycle.json (the fixture's script is a stub). */
function planWithScripts(edit: (pairings: Pairing[]) => void = () => undefined, options: { withSecrets?: boolean } = {}): ResourceRecord[] {
  const plan = buildResources(undefined, options);
  for (const wave of ["w01", "w02"]) {
    const data = record(plan, `pairings-${wave}`).props.data as Record<string, string>;
    const pairings = JSON.parse(data[K8S.pairingsDataKey]!) as Pairing[];
    edit(pairings);
    data["migrate.sh"] = renderMigrationScript({ wave, phase: "copying", pairings });
    data[LIFECYCLE_DATA_KEY] = JSON.stringify(lifecycleOf({ name: wave, phase: "copying" }));
  }
  return plan;
}

const data = (plan: ResourceRecord[], wave: string) => record(plan, `pairings-${wave}`).props.data as Record<string, string>;

describe("logins-are-literal", () => {
  it("accepts the correct plan, at preview and with secrets", async () => {
    expectNone(await run(loginsAreLiteral, planWithScripts()));
    expectNone(await run(loginsAreLiteral, planWithScripts(undefined, { withSecrets: false })));
  });

  it("a shared mailbox whose OX name and imapLogin end in a wildcard", async () => {
    const plan = planWithScripts();
    Object.assign(oxUser(plan, IDS.poststelle).props, { name: "shared-poststelle*", imapLogin: "shared-poststelle*" });
    const violations = await run(loginsAreLiteral, plan);
    expectViolation(violations, "mailbox poststelle@fa-luebeck.example", 'OX name "shared-poststelle*" is not a literal login', "doveadm user-mask wildcard");
    expectViolation(violations, 'OX imapLogin "shared-poststelle*"');
  });

  it("a migrate.sh pair line whose doveadm -u is a user mask, next to a correct pairings.json", async () => {
    const plan = planWithScripts((pairings) => {
      pairings.forEach((p, i) => (pairings[i] = p.mailboxId === IDS.jan ? { ...p, targetLogin: "j*" } : p));
    });
    const violations = await run(loginsAreLiteral, plan);
    expectViolation(violations, "mailbox jan.schmidt@fa-luebeck.example (owner j*)", 'migrate.sh doveadm backup -u "j*" is not a literal login');
    expect(violations).toHaveLength(1);
  });

  it("a pairings.json target login that is a user mask", async () => {
    const plan = planWithScripts();
    editJson<Pairing>(data(plan, "w02"), K8S.pairingsDataKey, (table) => (table[1] = { ...table[1]!, targetLogin: "room-raum?01" }));
    expectViolation(await run(loginsAreLiteral, plan), "mailbox raum-101@fa-kiel.example (owner room-raum?01)", 'pairings-w02 targetLogin "room-raum?01"');
  });

  it("a script that selects all users with -A instead of one -u", async () => {
    const plan = planWithScripts();
    const script = data(plan, "w01");
    script["migrate.sh"] = script["migrate.sh"]!.replace(/'-u' 'jschmidt'/, "'-A'");
    expectViolation(await run(loginsAreLiteral, plan), `migrate.sh runs doveadm backup for mailbox ${IDS.jan} without exactly one literal -u login`);
  });

  it.each([
    ["reads its users from a file (-F)", "'-u' 'jschmidt'", "'-F' '/tmp/users'"],
    ["names no -u at all", "'-u' 'jschmidt' ", ""],
  ])("a pair line that %s", async (_what, from, to) => {
    const plan = planWithScripts();
    const script = data(plan, "w01");
    script["migrate.sh"] = script["migrate.sh"]!.replace(from, to);
    expectViolation(await run(loginsAreLiteral, plan), `for mailbox ${IDS.jan} without exactly one literal -u login`);
  });

  it("a line that is no rendered pair line fails closed (it could run any -u)", async () => {
    const plan = planWithScripts();
    const script = data(plan, "w02");
    script["migrate.sh"] = script["migrate.sh"]!.replace("set -u\n", "set -u\ndoveadm backup -R -u 'j*' imapc:\n");
    expectViolation(await run(loginsAreLiteral, plan), "wave w02 (rule logins-are-literal): migrate.sh cannot be read as rendered");
  });

  it("an unknown or missing migrate.sh fails closed", async () => {
    const plan = planWithScripts();
    data(plan, "w01")["migrate.sh"] = UNKNOWN_STRING;
    delete data(plan, "w02")["migrate.sh"];
    const violations = await run(loginsAreLiteral, plan);
    expectViolation(violations, "wave w01 (rule logins-are-literal): migrate.sh cannot be read");
    expectViolation(violations, "wave w02 (rule logins-are-literal): migrate.sh cannot be read");
  });

  it("a userdb index line and a passwd-file line with a pattern login", async () => {
    const plan = planWithScripts();
    const db = record(plan, "userdb-kiel").props;
    editJson<{ login: string }>(db.metadata.annotations, K8S.annotationUserdbIndex, (index) => (index[0]!.login = "pkoch?"));
    db.stringData[K8S.userdbDataKey] = (db.stringData[K8S.userdbDataKey] as string).replace(/^pkoch:/m, "pk*:");
    const violations = await run(loginsAreLiteral, plan);
    expectViolation(violations, "mailbox petra.koch@fa-kiel.example", 'userdb userdb-kiel index login "pkoch?"');
    expectViolation(violations, 'userdb userdb-kiel passwd-file line 1 user "pk*" is not a literal login');
    for (const v of violations) if (/k[0-9a-f]{32}/.test(v.message)) throw new Error("a key password reached a message");
  });

  it("an unknown OX login or userdb index fails closed", async () => {
    const plan = planWithScripts(undefined, { withSecrets: false });
    oxUser(plan, IDS.jan).props.imapLogin = UNKNOWN_STRING;
    record(plan, "userdb-kiel").props.metadata.annotations[K8S.annotationUserdbIndex] = UNKNOWN_STRING;
    const violations = await run(loginsAreLiteral, plan);
    expectViolation(violations, "mailbox jan.schmidt@fa-luebeck.example", "imapLogin is unknown at preview");
    expectViolation(violations, "userdb userdb-kiel: logins cannot be checked");
  });

  it("a missing OX name cannot be checked", async () => {
    const plan = planWithScripts();
    delete oxUser(plan, IDS.maria).props.name;
    expectViolation(await run(loginsAreLiteral, plan), "OX name is missing");
  });
});

const messages = async (plan: ResourceRecord[]) => (await run(loginsAreLiteral, plan)).map((v) => v.message);
const editScript = (plan: ResourceRecord[], from: string | RegExp, to: string) => {
  const script = data(plan, "w01");
  const next = script["migrate.sh"]!.replace(from, to);
  expect(next).not.toBe(script["migrate.sh"]);
  script["migrate.sh"] = next;
};

describe("logins-are-literal branches", () => {
  it("registered under a name or description that does not say what it checks", () => {
    expect(loginsAreLiteral.name).toBe("logins-are-literal");
    expect(loginsAreLiteral.enforcementLevel).toBe("mandatory");
    expect(loginsAreLiteral.description).toMatch(/^Checks whether every target login .* user mask\.$/);
  });

  it("an unknown OX name and an unknown or unreadable userdb index: exactly one fail-closed message each", async () => {
    const plan = planWithScripts(undefined, { withSecrets: false });
    oxUser(plan, IDS.jan).props.name = UNKNOWN_STRING;
    record(plan, "userdb-kiel").props.metadata.annotations[K8S.annotationUserdbIndex] = UNKNOWN_STRING;
    record(plan, "userdb-luebeck").props.metadata.annotations[K8S.annotationUserdbIndex] = "[{";
    expect(await messages(plan)).toEqual([
      "mailbox jan.schmidt@fa-luebeck.example: OX user name is unknown at preview; binding-critical values must be known",
      expect.stringMatching(/^userdb userdb-luebeck: logins cannot be checked: metadata\.annotations\["oxmig\.example\/userdb-index"\] is not valid JSON \(/),
      'userdb userdb-kiel: logins cannot be checked: metadata.annotations["oxmig.example/userdb-index"] is unknown at preview; binding-critical values must be known',
    ]);
  });

  it("an unreadable pairings.json adds no target-login finding of its own", async () => {
    const plan = planWithScripts();
    data(plan, "w01")[K8S.pairingsDataKey] = "[{";
    expect((await messages(plan)).filter((m) => !m.includes("wave w01"))).toEqual([]);
  });

  it("an OX user without primary address or mailbox id is still checked, and its mask named", async () => {
    const plan = planWithScripts();
    delete oxUser(plan, IDS.raum).props.primaryEmail;
    delete oxUser(plan, IDS.raum).props.userAttributes["oxmig/mailbox-id"];
    Object.assign(oxUser(plan, IDS.raum).props, { name: "room-raum101*" });
    expectViolation(await run(loginsAreLiteral, plan), 'OX name "room-raum101*" is not a literal login');
  });

  it("a second OX user claiming a mailbox id without an address does not take the mailbox's name away", async () => {
    const plan = planWithScripts();
    const copy = structuredClone(oxUser(plan, IDS.jan));
    delete copy.props.primaryEmail;
    plan.push({ ...copy, name: "oxuser-jan-copy" });
    editScript(plan, /'-u' 'jschmidt'/, "'-u' 'j*'");
    expectViolation(
      await run(loginsAreLiteral, plan),
      "mailbox jan.schmidt@fa-luebeck.example (owner j*)",
      'migrate.sh doveadm backup -u "j*" is not a literal login',
    );
  });

  it.each([
    ["selects all users with -A next to a literal -u", "'-A' '-u' 'jschmidt'"],
    ["reads users from a file with -F next to a literal -u", "'-F' '/tmp/users' '-u' 'jschmidt'"],
  ])("a pair line that %s", async (_what, to) => {
    const plan = planWithScripts();
    editScript(plan, /'-u' 'jschmidt'/, to);
    expect(await messages(plan)).toEqual([
      `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): migrate.sh runs doveadm backup for mailbox ${IDS.jan} without exactly one literal -u login (-A or -F select many users)`,
    ]);
  });

  it("a doveadm command that is no dsync is not judged by its -u", async () => {
    const plan = planWithScripts();
    editScript(plan, /'backup' '-R' '-s' '' '-u' 'jschmidt' 'imapc:'/, "'index' '-u' 'j*' 'INBOX'");
    expectNone(await run(loginsAreLiteral, plan));
  });
});
