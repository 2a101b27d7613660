import { describe, expect, it } from "vitest";
import { shellQuote } from "../../core/migration-script";
import { migrationMovesOwnMail } from "../../policies/rules/migration-moves-own-mail";
import { FIXTURE_MAILBOXES, IDS, type ResourceRecord } from "../fixtures/policies/plan";
import { addSecondSource, configMapOf, containerOf, crossSources, executedPlan, jobOf, pairArgv, renderedWave } from "./executed-migration-fixtures";
import { expectNone, expectViolation, oxUser, run, UNKNOWN_STRING } from "./helpers";

/** The wave ConfigMap's data, edited in place. */
const data = (records: ResourceRecord[], wave = "w01") => configMapOf(records, wave).props.data;
const check = (records: ResourceRecord[]) => run(migrationMovesOwnMail, records);

describe("migration-moves-own-mail", () => {
  it("accepts the rendered Jobs of the correct plan, in copying and at cut-over, and a done wave without a Job", async () => {
    expectNone(await check(executedPlan()));
    const w01 = FIXTURE_MAILBOXES.filter((m) => m.wave === "w01");
    const cutOver = [...executedPlan().filter((r) => !r.name.endsWith("-w01")), ...renderedWave("w01", w01, "cut-over")];
    expectNone(await check(cutOver));
    expectNone(await check([...executedPlan().filter((r) => !r.name.endsWith("-w01")), ...renderedWave("w01", w01, "done")]));
  });

  it("accepts a differently cased source login (Exchange logins are case-insensitive)", async () => {
    const records = executedPlan();
    data(records)["migrate.sh"] = data(records)["migrate.sh"].replace("imapc_user=mmueller@corp.example", "imapc_user=MMueller@Corp.Example");
    expectNone(await check(records));
  });

  it("crossed pair lines next to a correct pairings.json: both mailboxes are named with the other person's source", async () => {
    const records = executedPlan();
    data(records)["migrate.sh"] = crossSources(data(records)["migrate.sh"], IDS.maria, IDS.jan);
    const violations = await check(records);
    expectViolation(
      violations,
      "mailbox maria.mueller@fa-luebeck.example (owner mmueller)",
      `"jschmidt@corp.example" = Exchange mailbox jan.schmidt@fa-luebeck.example`,
      "of directory uid jschmidt",
      "its own source is mmueller@corp.example",
    );
    expectViolation(
      violations,
      "mailbox jan.schmidt@fa-luebeck.example (owner jschmidt)",
      `"mmueller@corp.example" = Exchange mailbox maria.mueller@fa-luebeck.example`,
    );
    expect(violations).toHaveLength(2);
  });

  it("a second -o imapc_user naming another person: the last one is what runs", async () => {
    const records = executedPlan();
    data(records)["migrate.sh"] = addSecondSource(data(records)["migrate.sh"], IDS.maria, "pkoch@corp.example");
    expectViolation(
      await check(records),
      "mailbox maria.mueller@fa-luebeck.example",
      `"pkoch@corp.example" = Exchange mailbox petra.koch@fa-kiel.example`,
      "directory uid pkoch",
    );
  });

  it("a pair line whose -u names another mailbox than its id: wrong id and two runs into one target", async () => {
    const records = executedPlan();
    data(records)["migrate.sh"] = data(records)["migrate.sh"].replace(/('-u' )'jschmidt'/, "$1'mmueller'");
    const violations = await check(records);
    expectViolation(violations, "mailbox maria.mueller@fa-luebeck.example", `is the pair line of mailbox id ${IDS.jan}`, `whose mailbox id is ${IDS.maria}`);
    expectViolation(violations, "mailbox maria.mueller@fa-luebeck.example", "2 doveadm runs write into this mailbox");
  });

  it("a run into a login no declared mailbox has", async () => {
    const records = executedPlan();
    data(records)["migrate.sh"] = data(records)["migrate.sh"].replace(/('-u' )'jschmidt'/, "$1'tweber'");
    expectViolation(await check(records), `mailbox ${IDS.jan}`, `target login "tweber", which no declared mailbox logs in with`);
  });

  it("a shared mailbox fed from a personal source, and a personal one fed from the shared source", async () => {
    const records = executedPlan();
    data(records)["migrate.sh"] = crossSources(data(records)["migrate.sh"], IDS.poststelle, IDS.jan);
    const violations = await check(records);
    expectViolation(violations, "mailbox poststelle@fa-luebeck.example", "the shared mailbox itself", "its own source is poststelle@corp.example");
    expectViolation(violations, "mailbox jan.schmidt@fa-luebeck.example", `"poststelle@corp.example" = Exchange mailbox poststelle@fa-luebeck.example`);
  });

  it("a personal mailbox whose owner has an objectGUID is judged by it (Petra Koch)", async () => {
    const records = executedPlan();
    data(records, "w02")["migrate.sh"] = crossSources(data(records, "w02")["migrate.sh"], IDS.petra, IDS.raum);
    const violations = await check(records);
    expectViolation(violations, "mailbox petra.koch@fa-kiel.example (owner pkoch)", `"raum101@corp.example"`, "its own source is pkoch@corp.example");
    expectViolation(violations, "mailbox raum-101@fa-kiel.example", `"pkoch@corp.example"`, "of directory uid pkoch");
    expectViolation(
      violations,
      "mailbox petra.koch@fa-kiel.example",
      "Exchange mailbox raum-101@fa-kiel.example",
      "of AD account a0000000-0000-4000-8000-00000000000b (not in the directory)",
    );
  });

  it("an inline command: rejected, and its run is checked against the evidence", async () => {
    const records = executedPlan();
    const argv = pairArgv(data(records)["migrate.sh"], IDS.jan).map((w) => w.replace("jschmidt@corp.example", "mmueller@corp.example"));
    Object.assign(containerOf(records, "w01"), { command: ["/bin/sh", "-c", argv.map(shellQuote).join(" ")] });
    const violations = await check(records);
    expectViolation(violations, "Job migrate-w01 of wave w01", 'not ["/bin/sh", "/etc/oxmig/migrate.sh"]');
    expectViolation(
      violations,
      "mailbox jan.schmidt@fa-luebeck.example",
      "an inline command of container migrate",
      `"mmueller@corp.example" = Exchange mailbox maria.mueller@fa-luebeck.example`,
    );
    expectViolation(violations, "mailbox jan.schmidt@fa-luebeck.example", "not exactly the rendered migration");
    expect(violations.filter((v) => v.message.includes("is the pair line"))).toEqual([]);
  });

  it("a script remapped by ConfigMap items: the remapped key is what runs", async () => {
    const records = executedPlan();
    data(records)["fixed.sh"] = crossSources(data(records)["migrate.sh"], IDS.maria, IDS.jan);
    jobOf(records, "w01").props.spec.template.spec.volumes[0].projected.sources[0].configMap.items = [
      { key: "fixed.sh", path: "migrate.sh" },
      { key: "doveadm.conf", path: "doveadm.conf" },
    ];
    const violations = await check(records);
    expectViolation(violations, "Job migrate-w01", "key fixed.sh of ConfigMap pairings-w01");
    expectViolation(violations, "mailbox maria.mueller@fa-luebeck.example", "key fixed.sh line", `"jschmidt@corp.example"`);
  });

  it("a source login that is no UPN, a line without -u or -o imapc_user, and an extra -o setting", async () => {
    const edit = (from: string | RegExp, to: string) => {
      const records = executedPlan();
      const next = data(records)["migrate.sh"].replace(from, to);
      expect(next).not.toBe(data(records)["migrate.sh"]);
      data(records)["migrate.sh"] = next;
      return check(records);
    };
    expectViolation(
      await edit("imapc_user=mmueller@corp.example", "imapc_user=nobody@corp.example"),
      "mailbox maria.mueller@fa-luebeck.example",
      `"nobody@corp.example", which is no UserPrincipalName in`,
    );
    expectViolation(await edit("'-u' 'jschmidt' ", ""), `mailbox ${IDS.jan}`, "names no target user (-u)");
    const noSource = await edit("'-o' 'imapc_user=jschmidt@corp.example' ", "");
    expectViolation(noSource, "mailbox jan.schmidt@fa-luebeck.example", "sets no -o imapc_user");
    expect(noSource.filter((v) => v.message.includes("could not finish"))).toEqual([]);
    expectViolation(
      await edit("'-o' 'imapc_user=jschmidt@corp.example'", "'-o' 'imapc_master_user=jschmidt' '-o' 'imapc_user=jschmidt@corp.example'"),
      "mailbox jan.schmidt@fa-luebeck.example",
      "sets -o imapc_master_user",
    );
    expectNone(await edit("'-u' 'jschmidt'", "'-u' 'JSchmidt'"));
  });

  it("a login two declared mailboxes share, and a functional mailbox whose kind does not match its source", async () => {
    const shared = executedPlan();
    oxUser(shared, IDS.petra).props.imapLogin = "jschmidt";
    expectViolation(
      await check(shared),
      `mailbox ${IDS.jan}`,
      `target login "jschmidt", which 2 declared mailboxes log in with: jan.schmidt@fa-luebeck.example, petra.koch@fa-kiel.example`,
    );
    const room = executedPlan();
    oxUser(room, IDS.poststelle).props.userAttributes["oxmig/kind"] = "room";
    expectViolation(await check(room), "mailbox poststelle@fa-luebeck.example", "its own source is no Exchange source the exports tie to it");
    const unknownSource = executedPlan();
    oxUser(unknownSource, IDS.poststelle).props.userAttributes["oxmig/source-exchange-guid"] = "e0000000-0000-4000-8000-0000000000ff";
    expectViolation(await check(unknownSource), "mailbox poststelle@fa-luebeck.example", "source ExchangeGuid e0000000-0000-4000-8000-0000000000ff is not in");
  });

  it("fails closed on unknown values at preview", async () => {
    const unknownScript = executedPlan();
    data(unknownScript)["migrate.sh"] = UNKNOWN_STRING;
    expectViolation(await check(unknownScript), "Job migrate-w01", "unknown at preview");
    const unknownLogin = executedPlan();
    oxUser(unknownLogin, IDS.maria).props.imapLogin = UNKNOWN_STRING;
    expectViolation(
      await check(unknownLogin),
      `mailbox ${IDS.maria}`,
      `target login "mmueller", which no declared mailbox logs in with (1 OX users have a login unknown at preview)`,
    );
    const unknownId = executedPlan();
    oxUser(unknownId, IDS.maria).props.userAttributes["oxmig/mailbox-id"] = UNKNOWN_STRING;
    expectViolation(await check(unknownId), "mailbox maria.mueller@fa-luebeck.example", "unknown at preview");
  });

  it("fails closed when the owner of the target is not in the directory", async () => {
    const records = executedPlan();
    oxUser(records, IDS.jan).props.userAttributes["oxmig/owner-id"] = "99999999-0000-4000-8000-000000000000";
    expectViolation(await check(records), "mailbox jan.schmidt@fa-luebeck.example", "owner id 99999999-0000-4000-8000-000000000000 is not in");
  });
});
