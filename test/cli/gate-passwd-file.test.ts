// Class 2 and 8 of issue 16 end to end: the userdb passwd-file edited the way Dovecot would still
// read it (an extra `userdb_home=`, a repeated key field, the file moved into `data`), an extra key
// keeper and a foreign display name, through the real program under mocks and the real pack.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silenced } from "../support/capture-output";
import { K8S, TYPES } from "@oxmig/core/contract";
import { lockCommand } from "../../cli/commands/lock";
import { runGate } from "../../gate/run-gate";
import type { DeclaredResource, GateViolation } from "../../engine/types";
import { isBlocking } from "../../engine/violations";
import { copyStaging, ROOT } from "./support/inventory-mistakes";
import { gateAltered } from "./support/altered-gate";

const LOCK_RULE = "bindings-match-lock";
const KEY_FIELD = "userdb_mail_crypt_private_password=";

interface Line {
  login: string;
  home: string;
  key: string;
  text: string;
}

const passwdOf = (r: DeclaredResource): string => (r.inputs["stringData"] as Record<string, string>)[K8S.userdbDataKey] ?? "";
const linesOf = (text: string): Line[] =>
  text
    .split("\n")
    .filter(Boolean)
    .map((t) => {
      const f = t.split(":");
      return { login: f[0]!, home: f[5]!, key: t.slice(t.indexOf(KEY_FIELD) + KEY_FIELD.length), text: t };
    });
const withProps = (r: DeclaredResource, props: Record<string, unknown>): DeclaredResource => ({
  ...r,
  inputs: { ...r.inputs, ...props },
  outputs: { ...r.outputs, ...props },
});
const withPasswd = (r: DeclaredResource, text: string) => withProps(r, { stringData: { [K8S.userdbDataKey]: text } });

interface Targets {
  /** login → primary address, for every OX user */
  readonly address: Map<string, string>;
  homeOverride?: string;
  repeatedKey?: string;
  inData?: [string, string];
  extraKeeper?: string;
  displayName?: string;
}

/** Each mistake on different mailboxes, so one gate run shows them all. */
function doctor(resources: DeclaredResource[], t: Targets): DeclaredResource[] {
  const dbs = resources.filter((r) => r.type === TYPES.secret && r.name.startsWith("userdb-") && linesOf(passwdOf(r)).length >= 4);
  const [first, second] = dbs as [DeclaredResource, DeclaredResource];
  const users = resources.filter((r) => r.type === TYPES.oxUser);
  for (const u of users) t.address.set(u.inputs["imapLogin"] as string, u.inputs["primaryEmail"] as string);
  const [a, b, c, d] = linesOf(passwdOf(first)) as [Line, Line, Line, Line];
  t.homeOverride = a.login;
  t.repeatedKey = c.login;
  const doctored = passwdOf(first).replace(a.text, `${a.text} userdb_home=${b.home}`).replace(c.text, `${c.text} ${KEY_FIELD}${d.key}`);
  const [x, y] = linesOf(passwdOf(second)) as [Line, Line];
  t.inData = [x.login, y.login];
  const crossed = passwdOf(second).replace(x.text, x.text.replace(x.key, y.key)).replace(y.text, y.text.replace(y.key, x.key));
  const keeperUser = users.find((u) => u.inputs["imapLogin"] === linesOf(passwdOf(first))[4]!.login)!;
  t.extraKeeper = keeperUser.inputs["imapLogin"] as string;
  const keyName = (keeperUser.inputs["userAttributes"] as Record<string, string>)["oxmig/key-name"];
  const renamed = users.find((u) => u.inputs["imapLogin"] === linesOf(passwdOf(second))[2]!.login)!;
  t.displayName = renamed.inputs["imapLogin"] as string;
  return resources.map((r) => {
    if (r === first) return withPasswd(r, doctored);
    if (r === second) {
      const { stringData: _s, ...inputs } = r.inputs;
      const { stringData: _o, ...outputs } = r.outputs;
      const data = { [K8S.userdbDataKey]: Buffer.from(crossed).toString("base64") };
      return { ...r, inputs: { ...inputs, data }, outputs: { ...outputs, data } };
    }
    if (r.type === TYPES.key && r.name === keyName)
      return withProps(r, { keepers: { ...(r.inputs["keepers"] as object), address: t.address.get(t.extraKeeper!) } });
    if (r === renamed) return withProps(r, { displayName: "Someone Else" });
    return r;
  });
}

describe("the passwd-file as Dovecot reads it, keepers and names, through the gate", () => {
  let dir: string;
  let violations: readonly GateViolation[];
  const t: Targets = { address: new Map() };
  const named = (policy: string, login: string) =>
    violations
      .filter((v) => v.policy === policy && isBlocking(v) && v.mailbox === t.address.get(login))
      .map((v) => v.message)
      .join("\n");

  beforeAll(async () => {
    dir = copyStaging("oxmig-passwd-");
    violations = (await gateAltered("staging", { root: ROOT, inventoryDir: dir }, (rs) => doctor(rs, t))).result.violations;
  }, 180_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a userdb_home extra field pointing at another mailbox's home", () => {
    expect(named("chain-consistent", t.homeOverride!)).toMatch(new RegExp(`gives "${t.homeOverride}" home "[^"]+", expected`));
  });
  it("the key password field repeated with another person's key (Dovecot takes the last)", () => {
    const found = named("chain-consistent", t.repeatedKey!);
    expect(found).toContain(`gives "${t.repeatedKey}" a key password that is not the result of its own key`);
    expect(found).toContain("userdb field mail_crypt_private_password is set 2 times");
  });
  it("the passwd-file moved into data (base64) with two key passwords crossed", () => {
    for (const login of t.inData!)
      expect(named("chain-consistent", login), login).toContain(`gives "${login}" a key password that is not the result of its own key`);
  });
  it("an address kept next to the mailbox id on a key", () => {
    expect(named("key-keepers-exact", t.extraKeeper!)).toContain("has keepers address besides mailboxId");
  });
  it("an OX display name that is not the directory's", () => {
    expect(named("display-name-matches-directory", t.displayName!)).toContain(`display name "Someone Else" differs from the`);
  });
  it("no key password reaches a message", () => {
    for (const v of violations) expect(v.message).not.toMatch(/[A-Za-z0-9]{48}/);
  });
  it("rejected by rules other than the lock rule", () => {
    expect(violations.filter((v) => isBlocking(v) && v.policy !== LOCK_RULE).length).toBeGreaterThanOrEqual(6);
  });
});

describe("a name change after marriage, relocked, passes", () => {
  let dir: string;
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("the new directory displayName reaches OX and no rule objects", async () => {
    dir = copyStaging("oxmig-marriage-");
    const ldif = path.join(dir, "directory.ldif");
    fs.writeFileSync(ldif, fs.readFileSync(ldif, "utf8").replace("displayName: Jan Schmidt", "displayName: Jan Schmidt-Petersen"));
    expect(silenced(() => lockCommand({ stack: "staging", inventory: dir, root: ROOT }))).toBe(0);
    const run = await runGate("staging", { root: ROOT, inventoryDir: dir });
    expect(run.result.violations.filter(isBlocking)).toEqual([]);
  }, 180_000);
});
