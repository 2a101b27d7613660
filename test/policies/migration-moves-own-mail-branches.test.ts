// Branches of migration-moves-own-mail the main scenarios do not reach: exact messages, sources the
// exports tie to an owner by objectGUID or by address and UPN, functional targets, repeated runs.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TYPES } from "../../core/contract";
import { shellQuote } from "../../core/migration-script";
import { migrationMovesOwnMail } from "../../policies/rules/migration-moves-own-mail";
import { IDS, type ResourceRecord } from "../fixtures/policies/plan";
import { configMapOf, containerOf, crossSources, executedPlan, pairArgv } from "./executed-migration-fixtures";
import { config, expectNone, expectViolation, FIXTURES, oxUser, run, UNKNOWN_STRING } from "./helpers";
import { policyTempDir } from "./temp-dirs";

const data = (records: ResourceRecord[], wave = "w01") => configMapOf(records, wave).props.data;
const check = (records: ResourceRecord[], cfg: unknown = config()) => run(migrationMovesOwnMail, records, cfg);
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
