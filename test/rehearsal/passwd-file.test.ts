// Class 2 of issue 16 on the real Dovecot 2.3: a passwd-file line that keeps its first six fields
// right but carries `userdb_home=` or a second key password field really points Dovecot at another
// person's home or key (`doveadm user`), core/passwd-file.ts resolves each line exactly as Dovecot
// does, and the pack rejects the plan that would hand Dovecot that file.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { K8S } from "@oxmig/core/contract";
import { readPasswdFile } from "@oxmig/core/passwd-file";
import { chainConsistent } from "../../policies/rules/chain-consistent";
import { startDovecot, type DovecotInstance } from "../../rehearsal/dovecot/dovecot-instance";
import { mkdtempOwned } from "../../rehearsal/dovecot/run-as";
import { settleDovecots } from "./dovecot-guard";
import { lookupUserdb } from "../../rehearsal/verification/userdb-lookup";
import { buildResources, IDS, keyResultFor } from "../fixtures/policies/plan";
import { expectViolation, record, run } from "../policies/helpers";

const KEY = "userdb_mail_crypt_private_password=";
const plan = buildResources();
const original = record(plan, "userdb-luebeck").props.stringData[K8S.userdbDataKey] as string;
const lineOf = (login: string) => original.split("\n").find((l) => l.startsWith(`${login}:`))!;
const homeOf = (login: string) => lineOf(login).split(":")[5]!;
const JAN_HOME = homeOf("jschmidt");

/** Each doctored file keeps mmueller's first six fields right. */
const DOCTORED: Record<string, string> = {
  "userdb_home appended": original.replace(lineOf("mmueller"), `${lineOf("mmueller")} userdb_home=${JAN_HOME}`),
  "key field repeated": original.replace(lineOf("mmueller"), `${lineOf("mmueller")} ${KEY}${keyResultFor(IDS.jan)}`),
  "second line for the login": `${original}${lineOf("mmueller").replace(homeOf("mmueller"), JAN_HOME)}\n`,
  "second line placed first": `${lineOf("mmueller").replace(homeOf("mmueller"), JAN_HOME).replace(keyResultFor(IDS.maria), keyResultFor(IDS.jan))}\n${original}`,
  "home imported": original.replace(lineOf("mmueller"), `${lineOf("mmueller")} userdb_userdb_import=home=${JAN_HOME}`),
  "protected home after the override": original.replace(
    lineOf("mmueller"),
    `${lineOf("mmueller")} userdb_home=${JAN_HOME} userdb_home:protected=${homeOf("mmueller")}`,
  ),
  "tab instead of a blank": original.replace(lineOf("mmueller"), `${lineOf("mmueller")}\tuserdb_home=${JAN_HOME}`),
};

let root: string;
let dovecot: DovecotInstance;

beforeAll(async () => {
  root = mkdtempOwned("oxmig-passwd-file-");
  dovecot = await startDovecot({
    role: "target",
    dir: join(root, "target"),
    userdbText: original,
    mailCrypt: true,
    masterUser: { login: "master", password: "unused-in-this-test" },
  });
}, 30_000);

afterAll(() =>
  settleDovecots(
    () => dovecot?.stop(),
    () => (root ? [root] : []),
  ),
);

describe("the passwd-file on real Dovecot", () => {
  it("the rendered file: every login gets its own home and key, as the reader says", async () => {
    // The other tests each hand Dovecot a doctored file and leave it there.
    await dovecot.replaceUserdb(original);
    const answers = await lookupUserdb(dovecot, ["mmueller", "jschmidt"]);
    expect(answers.get("mmueller")).toEqual({ home: homeOf("mmueller"), keyPassword: keyResultFor(IDS.maria) });
    const read = readPasswdFile(original).get("mmueller")!;
    expect([read.home, read.keyPassword, read.problems]).toEqual([homeOf("mmueller"), keyResultFor(IDS.maria), []]);
  });

  it.each(Object.keys(DOCTORED))(
    "%s: the reader resolves mmueller's line exactly as Dovecot does",
    async (name) => {
      const text = DOCTORED[name]!;
      await dovecot.replaceUserdb(text);
      const answer = (await lookupUserdb(dovecot, ["mmueller"])).get("mmueller");
      const read = readPasswdFile(text).get("mmueller")!;
      expect({ home: read.home, keyPassword: read.keyPassword }).toEqual({ home: answer?.home, keyPassword: answer?.keyPassword });
    },
    30_000,
  );

  it("userdb_home really moves mmueller into jschmidt's home, and the pack rejects it", async () => {
    const text = DOCTORED["userdb_home appended"]!;
    await dovecot.replaceUserdb(text);
    expect((await lookupUserdb(dovecot, ["mmueller"])).get("mmueller")?.home).toBe(JAN_HOME);
    const doctored = buildResources();
    record(doctored, "userdb-luebeck").props.stringData[K8S.userdbDataKey] = text;
    expectViolation(
      await run(chainConsistent, doctored),
      "mailbox maria.mueller@fa-luebeck.example (owner mmueller)",
      `gives "mmueller" home "${JAN_HOME}", expected`,
    );
  }, 30_000);

  it("a repeated key field really gives mmueller jschmidt's key, and the pack rejects it", async () => {
    const text = DOCTORED["key field repeated"]!;
    await dovecot.replaceUserdb(text);
    const answer = (await lookupUserdb(dovecot, ["mmueller"])).get("mmueller");
    expect(answer?.keyPassword === keyResultFor(IDS.jan), "Dovecot uses the last key field").toBe(true);
    const doctored = buildResources();
    record(doctored, "userdb-luebeck").props.stringData[K8S.userdbDataKey] = text;
    expectViolation(
      await run(chainConsistent, doctored),
      "mailbox maria.mueller@fa-luebeck.example",
      `gives "mmueller" a key password that is not the result of its own key`,
    );
  }, 30_000);

  it("a second line placed first wins in Dovecot, and the pack rejects the duplicate", async () => {
    const text = DOCTORED["second line placed first"]!;
    await dovecot.replaceUserdb(text);
    expect((await lookupUserdb(dovecot, ["mmueller"])).get("mmueller")?.home).toBe(JAN_HOME);
    const doctored = buildResources();
    record(doctored, "userdb-luebeck").props.stringData[K8S.userdbDataKey] = text;
    expectViolation(await run(chainConsistent, doctored), "mailbox maria.mueller@fa-luebeck.example", "Dovecot uses only the first");
  }, 30_000);
});
