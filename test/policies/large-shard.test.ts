// 5,000 mailboxes in one shard: every policy must accept a large clean shard (speed is measured by `npm run bench`, not here).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildResources, type MailboxSpec } from "../fixtures/policies/plan";
import { MANDATORY } from "./mandatory";
import { config, run } from "./helpers";
import { policyTempDir } from "./temp-dirs";

const COUNT = 5000;
const id = (i: number, prefix: string) => `${prefix}${String(i).padStart(7, "0")}-0000-4000-8000-000000000000`;

function writeExports(dir: string): MailboxSpec[] {
  const ldif: string[] = ["version: 1", ""];
  const csv: string[] = [
    '"DisplayName","Alias","SamAccountName","UserPrincipalName","PrimarySmtpAddress","EmailAddresses","ExchangeGuid","RecipientTypeDetails","Guid"',
  ];
  const specs: MailboxSpec[] = [];
  for (let i = 0; i < COUNT; i++) {
    const uid = `user${i}`;
    const mail = `${uid}@org${i % 2}.example`;
    ldif.push(
      `dn: uid=${uid},ou=org${i % 2},dc=example`,
      "objectClass: inetOrgPerson",
      `uid: ${uid}`,
      `cn: User ${i}`,
      `ou: org${i % 2}`,
      `entryUUID: ${id(i, "a")}`,
      `mail: ${mail}`,
      "",
    );
    csv.push(`"User ${i}","${uid}","${uid}","${uid}@corp.example","${mail}","SMTP:${mail}","${id(i, "e")}","UserMailbox","${id(i, "b")}"`);
    specs.push({
      id: id(i, "a"),
      kind: "personal",
      owner: id(i, "a"),
      login: uid,
      context: `org${i % 2}`,
      wave: `w${i % 10}`,
      displayName: `User ${i}`,
      primary: mail,
      aliases: [],
      sourceGuid: id(i, "e"),
      sourceUpn: `${uid}@corp.example`,
    });
  }
  fs.writeFileSync(path.join(dir, "directory.ldif"), ldif.join("\n"));
  fs.writeFileSync(path.join(dir, "exchange.csv"), csv.join("\n"));
  return specs;
}

describe("pack performance", () => {
  it(`evaluates all policies over ${COUNT} mailboxes without a violation, `, async () => {
    const dir = policyTempDir("oxmig-perf-");
    const specs = writeExports(dir);
    const resources = buildResources(specs);
    const cfg = config({ directory: path.join(dir, "directory.ldif"), exchange: path.join(dir, "exchange.csv") });
    await run(MANDATORY[0]!, resources.slice(0, 1), cfg); // parses the exports once, as the first analysed resource would
    const violations = (await Promise.all(MANDATORY.map((p) => run(p, resources, cfg)))).flat();
    expect(violations.map((v) => v.message).slice(0, 5)).toEqual([]);
    expect(resources.length).toBeGreaterThanOrEqual(2 * COUNT);
  });
});
