import { describe, expect, it } from "vitest";
import { shellQuote } from "@oxmig/core/migration-script";
import { migrationMovesOwnMail } from "../../policies/rules/migration-moves-own-mail";
import { FIXTURE_MAILBOXES, IDS, type ResourceRecord } from "../fixtures/policies/plan";
import {
  addSecondSource,
  configMapOf,
  containerOf,
  crossSources,
  executedPlan,
  jobOf,
  pairArgv,
  renderedWave,
  pairLineIndex,
} from "./executed-migration-fixtures";
import { expectNone, expectViolation, oxUser, run, UNKNOWN_STRING, config, FIXTURES } from "./helpers";
import fs from "node:fs";
import path from "node:path";
import { TYPES } from "@oxmig/core/contract";
import { policyTempDir } from "./temp-dirs";

/** The wave ConfigMap's data, edited in place. */
const data = (records: ResourceRecord[], wave = "w01") => configMapOf(records, wave).props.data;
const check = (records: ResourceRecord[], cfg: unknown = config()) => run(migrationMovesOwnMail, records, cfg);

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

const messages = async (records: ResourceRecord[], cfg?: unknown) => (await check(records, cfg)).map((v) => v.message);
const useSource = (script: string, from: string, to: string) => {
  expect(script).toContain(`imapc_user=${from}'`);
  return script.replace(`imapc_user=${from}'`, `imapc_user=${to}'`);
};

const PETRA_AD = "5a5a0000-4444-4a44-8444-000000000004";
const NOT_IN_DIRECTORY = "a0000000-0000-4000-8000-0000000000ee";
const row = (display: string, upn: string, primary: string, guid: string, type: string, owner: string, more = "") =>
  `"${display}","x","x","${upn}","${primary}","SMTP:${primary}${more}","${guid}","${type}","${owner}"`;

function writeExchange(name: string, text: string): string {
  const file = path.join(policyTempDir("oxmig-moves-own-mail-"), `${name}.csv`);
  fs.writeFileSync(file, text);
  return file;
}
const fixtureExchange = () => fs.readFileSync(path.join(FIXTURES, "exchange.csv"), "utf8");

/** The fixture export with Maria's own source (no objectGUID in the directory) declared a SharedMailbox. */
const mariaSourceShared = () =>
  writeExchange(
    "maria-shared",
    fixtureExchange().replace('"e0000000-0000-4000-8000-000000000001","UserMailbox"', '"e0000000-0000-4000-8000-000000000001","SharedMailbox"'),
  );

/** The fixture Exchange export with more rows: Petra's second mailbox and a room her AD account owns, a source that also answers at Maria's address, a second mailbox with Jan's UPN. */
function extendedExchange(): string {
  const extra = [
    row("Petra Koch Archiv", "pkoch.archiv@corp.example", "petra.archiv@fa-kiel.example", "e0000000-0000-4000-8000-0000000000c1", "UserMailbox", PETRA_AD),
    row("Petras Raum", "praum@corp.example", "praum@fa-kiel.example", "e0000000-0000-4000-8000-0000000000c2", "RoomMailbox", PETRA_AD),
    row(
      "Maria Other",
      "maria@corp.example",
      "m.mueller@fa-luebeck.example",
      "e0000000-0000-4000-8000-0000000000c4",
      "UserMailbox",
      NOT_IN_DIRECTORY,
      ";smtp:maria.mueller@fa-luebeck.example",
    ),
    row(
      "Jan Zwei",
      "JSchmidt@Corp.Example",
      "jan.zwei@fa-luebeck.example",
      "e0000000-0000-4000-8000-0000000000c5",
      "UserMailbox",
      "a0000000-0000-4000-8000-000000000002",
    ),
  ];
  return writeExchange("extended", `${fixtureExchange().trimEnd()}\n${extra.join("\n")}\n`);
}

describe("migration-moves-own-mail branches", () => {
  const exchange = extendedExchange();
  const extended = config({ exchange });

  it("registered under a name or description that does not say what it checks", async () => {
    expect(migrationMovesOwnMail.name).toBe("migration-moves-own-mail");
    expect(migrationMovesOwnMail.enforcementLevel).toBe("mandatory");
    expect(migrationMovesOwnMail.description).toMatch(/^Checks whether every doveadm run .* own Exchange source/);
    const records = executedPlan();
    data(records)["migrate.sh"] = UNKNOWN_STRING;
    expectViolation(await check(records), "Job migrate-w01 of wave w01 (rule migration-moves-own-mail): the migration as executed cannot be checked");
  });

  it("a run into an unknown login says nothing about unknown logins when every login is known", async () => {
    const records = executedPlan();
    data(records)["migrate.sh"] = data(records)["migrate.sh"].replace(/('-u' )'jschmidt'/, "$1'tweber'");
    const found = await messages(records);
    expect(found.filter((m) => m.includes('"tweber"'))).toEqual([
      expect.stringMatching(/target login "tweber", which no declared mailbox logs in with; a run may only write into one declared mailbox$/),
    ]);
  });

  it("a personal mailbox is fed from its owner's second mailbox by objectGUID, not from a room the same AD account owns", async () => {
    const second = executedPlan();
    data(second, "w02")["migrate.sh"] = useSource(data(second, "w02")["migrate.sh"], "pkoch@corp.example", "pkoch.archiv@corp.example");
    expectNone(await check(second, extended));
    const room = executedPlan();
    data(room, "w02")["migrate.sh"] = useSource(data(room, "w02")["migrate.sh"], "pkoch@corp.example", "praum@corp.example");
    const found = await messages(room, extended);
    expect(found).toHaveLength(1);
    expectViolation(
      await check(room, extended),
      "mailbox petra.koch@fa-kiel.example (owner pkoch)",
      `"praum@corp.example" = Exchange mailbox praum@fa-kiel.example`,
      "its own source is pkoch@corp.example (Exchange mailbox petra.koch@fa-kiel.example",
      ") or pkoch.archiv@corp.example (Exchange mailbox petra.archiv@fa-kiel.example",
    );
  });

  it("a mailbox without objectGUID fed from a shared mailbox or an untied source at its owner's address", async () => {
    expectViolation(
      await check(executedPlan(), config({ exchange: mariaSourceShared() })),
      "mailbox maria.mueller@fa-luebeck.example (owner mmueller)",
      `"mmueller@corp.example" = Exchange mailbox maria.mueller@fa-luebeck.example`,
      `of directory uid mmueller (id ${IDS.maria}`,
      "(by address and UPN)",
      "its own source is no Exchange source the exports tie to it",
    );
    const other = executedPlan();
    data(other)["migrate.sh"] = useSource(data(other)["migrate.sh"], "mmueller@corp.example", "maria@corp.example");
    expectViolation(
      await check(other, extended),
      "mailbox maria.mueller@fa-luebeck.example (owner mmueller)",
      `"maria@corp.example" = Exchange mailbox m.mueller@fa-luebeck.example`,
      `of AD account ${NOT_IN_DIRECTORY} (not in the directory)`,
      "its own source is mmueller@corp.example",
    );
  });

  it("a source login two Exchange mailboxes share names both", async () => {
    const records = executedPlan();
    data(records)["migrate.sh"] = crossSources(data(records)["migrate.sh"], IDS.maria, IDS.jan);
    expectViolation(
      await check(records, extended),
      "mailbox maria.mueller@fa-luebeck.example",
      `"jschmidt@corp.example" = Exchange mailbox jan.schmidt@fa-luebeck.example`,
      `of directory uid jschmidt (id ${IDS.jan}`,
      `) and "jschmidt@corp.example" = Exchange mailbox jan.zwei@fa-luebeck.example`,
    );
  });

  it("a shared mailbox carrying an owner id is still judged as the shared mailbox itself", async () => {
    const records = executedPlan();
    oxUser(records, IDS.poststelle).props.userAttributes["oxmig/owner-id"] = IDS.maria;
    data(records)["migrate.sh"] = crossSources(data(records)["migrate.sh"], IDS.poststelle, IDS.jan);
    const found = (await messages(records)).filter((m) => m.startsWith("mailbox poststelle@"));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^mailbox poststelle@fa-luebeck\.example \(owner [^)]*\): /);
    expect(found[0]).not.toContain("mmueller");
    expect(found[0]).toContain("= mailbox poststelle@fa-luebeck.example of the shared mailbox itself");
  });

  it("a mailbox without kind is named as such and has no own source", async () => {
    const records = executedPlan();
    delete oxUser(records, IDS.poststelle).props.userAttributes["oxmig/kind"];
    expectViolation(
      await check(records),
      "mailbox poststelle@fa-luebeck.example",
      "of the unknown-kind mailbox itself; its own source is no Exchange source the exports tie to it",
    );
  });

  it("an unknown owner id is reported as unknown, not as missing from the directory", async () => {
    const records = executedPlan();
    oxUser(records, IDS.maria).props.userAttributes["oxmig/owner-id"] = UNKNOWN_STRING;
    const found = (await messages(records)).filter((m) => m.startsWith("mailbox maria.mueller@"));
    expect(found).toEqual([
      expect.stringMatching(/: Job migrate-w01 \(.*\) OX user userAttributes\.oxmig\/owner-id is unknown at preview; binding-critical values must be known$/),
    ]);
  });

  it("a target without owner id or source ExchangeGuid says (none)", async () => {
    const personal = executedPlan();
    delete oxUser(personal, IDS.jan).props.userAttributes["oxmig/owner-id"];
    expectViolation(await check(personal), "mailbox jan.schmidt@fa-luebeck.example", "whose owner id (none) is not in");
    const shared = executedPlan();
    delete oxUser(shared, IDS.poststelle).props.userAttributes["oxmig/source-exchange-guid"];
    expectViolation(await check(shared), "mailbox poststelle@fa-luebeck.example", "whose source ExchangeGuid (none) is not in");
  });

  it("a Secret labelled like the wave's ConfigMap does not count as a second pairing ConfigMap", async () => {
    const records = executedPlan();
    const copy = structuredClone(configMapOf(records, "w01"));
    expectNone(await check([...records, { ...copy, type: TYPES.secret, name: "pairings-w01-secret" }]));
  });

  it("two runs into a login no declared mailbox has are each reported once, and nothing counts them as one mailbox's", async () => {
    const records = executedPlan();
    const script = data(records)["migrate.sh"]!;
    data(records)["migrate.sh"] = script.replace(/('-u' )'jschmidt'/, "$1'tweber'").replace(/('-u' )'mmueller'/, "$1'tweber'");
    const found = await messages(records);
    expect(found).toHaveLength(2);
    expect(found.every((m) => m.includes('target login "tweber"'))).toBe(true);
  });

  it("two runs into one mailbox list both runs", async () => {
    const records = executedPlan();
    data(records)["migrate.sh"] = data(records)["migrate.sh"].replace(/('-u' )'jschmidt'/, "$1'mmueller'");
    const found = (await messages(records)).filter((m) => m.includes("doveadm runs write"));
    expect(found).toEqual([
      expect.stringMatching(
        /: 2 doveadm runs write into this mailbox \(Job migrate-w01 \([^;]+ line \d+, Job index 0\); Job migrate-w01 \([^;]+ line \d+, Job index 1\)\); each target gets at most one$/,
      ),
    ]);
  });

  it("functional mailboxes written twice or by an inline command name the mailbox without an owner", async () => {
    const twice = executedPlan();
    data(twice)["migrate.sh"] = data(twice)["migrate.sh"].replace(/('-u' )'jschmidt'/, "$1'shared-poststelle'");
    expectViolation(await check(twice), "mailbox poststelle@fa-luebeck.example", "2 doveadm runs write into this mailbox");
    const inline = executedPlan();
    const argv = pairArgv(data(inline)["migrate.sh"], IDS.poststelle);
    Object.assign(containerOf(inline, "w01"), { command: ["/bin/sh", "-c", argv.map(shellQuote).join(" ")] });
    expectViolation(
      await check(inline),
      "mailbox poststelle@fa-luebeck.example",
      "writes into this mailbox, but the Job is not exactly the rendered migration",
    );
  });
});

const spec = (records: ResourceRecord[]) => jobOf(records, "w01").props.spec as Record<string, unknown>;
const JOB = "Job migrate-w01 of wave w01 (rule migration-moves-own-mail): the migration as executed cannot be checked, so the plan is rejected: ";

describe("migration-moves-own-mail on Indexed Jobs", () => {
  it("accepts the rendered Indexed Jobs in copying and at cut-over", async () => {
    expectNone(await check(executedPlan()));
    const w01 = FIXTURE_MAILBOXES.filter((m) => m.wave === "w01");
    expectNone(await check([...executedPlan().filter((r) => !r.name.endsWith("-w01")), ...renderedWave("w01", w01, "cut-over")]));
  });

  it("rejects a script whose index is offset (index i would run pair i+1)", async () => {
    const records = executedPlan();
    data(records)["migrate.sh"] = data(records)["migrate.sh"]!.replace("index=${JOB_COMPLETION_INDEX-}", "index=$((${JOB_COMPLETION_INDEX-} + 1))");
    const violations = await check(records);
    expectViolation(violations, JOB, 'migrate.sh is not a script this project renders for wave w01: line 8 is not the rendered preamble ("index=$((');
    expect(violations).toHaveLength(1);
  });

  it("rejects a container that sets JOB_COMPLETION_INDEX itself", async () => {
    const records = executedPlan();
    containerOf(records, "w01").env = [{ name: "JOB_COMPLETION_INDEX", value: "1" }];
    expectViolation(await check(records), JOB, "container migrate declares JOB_COMPLETION_INDEX itself");
  });

  it("rejects completions that skip a pair, naming the mailbox left out", async () => {
    const records = executedPlan();
    spec(records).completions = 2;
    expectViolation(await check(records), JOB, `spec.completions is 2, but the pairing table has 3 pairs: index 2 (mailbox ${IDS.poststelle}) would never run`);
  });

  it("rejects a Job that runs no pod, or no index at all (the single-loop Job)", async () => {
    const none = executedPlan();
    spec(none).parallelism = 0;
    expectViolation(await check(none), JOB, "spec.parallelism is 0: no pod would run");
    const loop = executedPlan();
    delete spec(loop).completionMode;
    spec(loop).completions = 1;
    const violations = await check(loop);
    expectViolation(violations, JOB, "spec.completionMode is");
    expectViolation(violations, JOB, "spec.completions is 1, but the pairing table has 3 pairs");
  });

  it("rejects a table reordered against pairings.json on the mailbox whose index it takes", async () => {
    const records = executedPlan();
    const lines = data(records)["migrate.sh"]!.split("\n");
    const [a, b] = [pairLineIndex(lines, IDS.maria), pairLineIndex(lines, IDS.jan)];
    [lines[a], lines[b]] = [lines[b]!, lines[a]!];
    data(records)["migrate.sh"] = lines.join("\n");
    const violations = await check(records);
    expectViolation(
      violations,
      "mailbox jan.schmidt@fa-luebeck.example (owner jschmidt)",
      `Job index 0 runs the pair line of mailbox id ${IDS.jan}, but entry 0 of pairings.json is mailbox id ${IDS.maria}`,
    );
    expect(violations).toHaveLength(2);
  });
});

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixtures are edited freely
const pod = (records: ResourceRecord[], wave = "w01"): Obj => jobOf(records, wave).props.spec.template.spec;
const userdbSource = (records: ResourceRecord[], wave = "w01"): Obj =>
  pod(records, wave).volumes.find((v: Obj) => v.name === "dovecot-auth").projected.sources[1].secret;
const migrate = (records: ResourceRecord[]): Obj => pod(records).containers[0];
const MARIA = "mailbox maria.mueller@fa-luebeck.example (owner mmueller)";

describe("migration-moves-own-mail: the userdb and storage a Job resolves -u through", () => {
  it("accepts each wave's Job mounting its own context's userdb and the mail storage at the mail root", async () => {
    expectNone(await check(executedPlan()));
  });

  it("rejects a Job of a Lübeck wave that mounts the Kiel userdb: every target is named", async () => {
    const records = executedPlan();
    userdbSource(records).name = "userdb-kiel";
    const violations = await check(records);
    expectViolation(violations, MARIA, `resolves -u "mmueller" through userdb-kiel, the userdb of context kiel, but the target mailbox is in context luebeck`);
    expectViolation(violations, "mailbox poststelle@fa-luebeck.example", "the userdb of context kiel");
  });

  it("rejects a userdb Secret the stack does not declare (its passwd-file was never checked)", async () => {
    const records = executedPlan();
    userdbSource(records).name = "userdb-handmade";
    expectViolation(await check(records), MARIA, "through Secret userdb-handmade, which this stack does not declare");
  });

  it("rejects a declared Secret that is not a userdb, and another key of the userdb", async () => {
    const records = executedPlan();
    records.push({ type: TYPES.secret, name: "other", protect: false, props: { metadata: { name: "other" }, stringData: { passwd: "x" } } });
    userdbSource(records).name = "other";
    expectViolation(await check(records), MARIA, "Secret other, which is not a userdb Secret of this stack");
    const otherKey = executedPlan();
    userdbSource(otherKey).items[0].key = "old-passwd";
    expectViolation(await check(otherKey), MARIA, "key old-passwd of Secret userdb-luebeck, not its passwd-file");
  });

  it("rejects a target the mounted userdb has no entry for", async () => {
    const records = executedPlan();
    const secret = records.find((r) => r.name === "userdb-luebeck")!;
    const index = JSON.parse(secret.props.metadata.annotations["oxmig.example/userdb-index"]).filter((e: Obj) => e.login !== "jschmidt");
    secret.props.metadata.annotations["oxmig.example/userdb-index"] = JSON.stringify(index);
    expectViolation(await check(records), "mailbox jan.schmidt@fa-luebeck.example", "through userdb-luebeck, which has 0 entries for that login");
  });

  it("rejects a home mounted onto another person's directory through a subPath", async () => {
    const records = executedPlan();
    migrate(records).volumeMounts.push({ name: "mail", mountPath: `/var/vmail/0b/${IDS.maria}`, subPath: `3f/${IDS.jan}` });
    expectViolation(
      await check(records),
      MARIA,
      `home /var/vmail/0b/${IDS.maria} lands in PVC dovecot-mail through the mount at /var/vmail/0b/${IDS.maria} with subPath`,
    );
  });

  it("rejects a Job whose homes land in two storages", async () => {
    const records = executedPlan();
    pod(records).volumes.push({ name: "elsewhere", persistentVolumeClaim: { claimName: "other-mail" } });
    migrate(records).volumeMounts.push({ name: "elsewhere", mountPath: "/var/vmail/0b" });
    expectViolation(
      await check(records),
      "Job migrate-w01 of wave w01",
      "its homes land in 2 different mounts (PVC other-mail at /var/vmail/0b, PVC dovecot-mail at /var/vmail)",
    );
  });

  it("rejects a Job whose Dovecot cannot be read, for each mailbox it writes into", async () => {
    const records = executedPlan(FIXTURE_MAILBOXES);
    pod(records, "w02").initContainers = [];
    const violations = await check(records);
    expectViolation(violations, "Job migrate-w02 of wave w02", "0 containers run the auth sidecar");
    expectViolation(violations, "mailbox petra.koch@fa-kiel.example", "not exactly the rendered migration");
  });
});
