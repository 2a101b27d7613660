// Delegation on real Dovecot 2.3 (acl + mail_crypt_acl): what core/acl-grants.ts renders really grants
// a delegate the encrypted shared mailbox over IMAP as OX opens it, and nobody else; and doveadm's
// exit code does not stop a wrong grant from landing, so the pack must judge the lines themselves.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAclScript, renderAclScript } from "@oxmig/core/acl-grants";
import { homeFor } from "@oxmig/core/ids";
import { renderUserdb } from "@oxmig/core/userdb";
import { childrenOf, sleep, startDovecot, type DovecotInstance } from "../../rehearsal/dovecot/dovecot-instance";
import { isRunning } from "../../rehearsal/dovecot/process-info";
import { endpointsOf } from "../../rehearsal/verification/endpoints";
import { readMailbox } from "../../rehearsal/dovecot/imap-read";
import { mkdtempOwned } from "../../rehearsal/dovecot/run-as";
import { settleDovecots } from "./dovecot-guard";

const IDS = { shared: "e0000000-0000-4000-8000-00000000000a", maria: "0b9a6c1e-1111-4a11-8111-000000000001", jan: "3f25c0de-2222-4a22-8222-000000000002" };
const LOGINS = { shared: "shared-poststelle", maria: "mmueller", jan: "jschmidt" } as const;
const BODY = `for the Poststelle only ${randomBytes(6).toString("hex")}`;

// The deployment settings delegation needs (infra/components/delegation.ts); OX logs in as a master
// user, so ACLs must be checked as the logged-in user (acl_user = %u).
const aclConf = (dir: string) =>
  [
    "mail_plugins = $mail_plugins acl mail_crypt_acl",
    // acl_shared_dict: which users' mailboxes a user may see under shared/ (LIST).
    `plugin {\n  acl = vfile\n  acl_user = %u\n  acl_shared_dict = file:${dir}/shared-mailboxes.db\n  mail_crypt_acl_require_secure_key_sharing = yes\n}`,
    "namespace shared {\n  type = shared\n  separator = /\n  prefix = shared/%%u/\n  location = maildir:%%h/Maildir:INDEXPVT=~/shared/%%u\n  subscriptions = no\n  list = children\n}",
    "protocol imap {\n  mail_plugins = $mail_plugins imap_acl\n}",
  ].join("\n");

let root: string;
let dovecot: DovecotInstance;
const doveadm = (...args: string[]) => spawnSync("doveadm", ["-c", dovecot.confPath, ...args], { encoding: "utf8", input: "" });
const aclFile = () => readFileSync(join(homeFor(IDS.shared, join(root, "vmail")), "Maildir", "dovecot-acl"), "utf8");

/** Removes a grant from the shared mailbox again: each test starts from a mailbox nobody else sees. */
function withdraw(identifier: string): void {
  // Judged by what Dovecot then holds, not by the exit code: with secure key sharing, deleting
  // `anyone` exits 75 as setting it does, and lands all the same.
  doveadm("acl", "delete", "-u", LOGINS.shared, "INBOX", identifier);
  expect(execFileSync("doveadm", ["-c", dovecot.confPath, "acl", "get", "-u", LOGINS.shared, "INBOX"], { encoding: "utf8" })).not.toContain(identifier);
}

/** Runs the script's grants as its shell would, with this instance's config added to each doveadm. */
function applyScript(script: string): number[] {
  const reading = readAclScript(script);
  expect(reading.problems).toEqual([]);
  return reading.grants.map((g) => doveadm("acl", "set", "-u", g.mailboxLogin, g.mailbox, g.identifier, ...g.rights).status ?? -1);
}

async function bodiesSeenBy(login: string): Promise<string[]> {
  const content = await readMailbox(endpointsOf(dovecot), login);
  return content.messages.filter((m) => m.folder.startsWith("shared/")).map((m) => m.source ?? `(unreadable: ${content.readError ?? "no body"})`);
}

beforeAll(async () => {
  root = mkdtempOwned("oxmig-delegation-test-");
  const vmail = join(root, "vmail");
  const userdbText = renderUserdb(
    Object.entries(LOGINS).map(([who, login]) => ({ login, home: homeFor(IDS[who as keyof typeof IDS], vmail), keyPassword: randomBytes(12).toString("hex") })),
  );
  dovecot = await startDovecot({
    role: "target",
    dir: join(root, "target"),
    userdbText,
    mailCrypt: true,
    masterUser: { login: "oxmig-master", password: randomBytes(12).toString("hex") },
  });
  // The rehearsal's config has no ACLs: add them and let the master (started above) reload it.
  appendFileSync(dovecot.confPath, `${aclConf(dovecot.dir)}\n`);
  const log = join(dovecot.dir, "dovecot.log");
  const logged = readFileSync(log, "utf8").length;
  process.kill(dovecot.pid, "SIGHUP");
  // Lookups answered before the master has reloaded reach the auth service it is about to replace:
  // wait for its own word (under load that takes far more than a few hundred ms).
  const reloaded = () => readFileSync(log, "utf8").slice(logged).includes("SIGHUP received - reloading configuration");
  for (let tries = 0; !reloaded() && tries < 200; tries++) await sleep(100);
  expect(reloaded(), "the master logged its reload").toBe(true);
  // The reload restarts the auth service: wait until it answers userdb lookups again.
  for (let tries = 0; doveadm("user", LOGINS.shared).status !== 0 && tries < 100; tries++) await sleep(100);
  // Every party has its key pair: secure key sharing needs the delegate's public key. Exit 75 is a
  // temporary failure (the auth service still restarting): tried again.
  for (const login of Object.values(LOGINS)) {
    let status = doveadm("mailbox", "cryptokey", "generate", "-u", login, "-U").status;
    for (let tries = 0; status === 75 && tries < 50; tries++) {
      await sleep(100);
      status = doveadm("mailbox", "cryptokey", "generate", "-u", login, "-U").status;
    }
    expect(status).toBe(0);
  }
  const save = spawnSync("doveadm", ["-c", dovecot.confPath, "save", "-u", LOGINS.shared], {
    input: `From: a@land.example\r\nSubject: Post\r\n\r\n${BODY}\r\n`,
  });
  expect(save.status).toBe(0);
}, 60_000);

afterAll(() =>
  settleDovecots(
    async () => {
      await dovecot?.stop();
      // Only our master (other helpers' rehearsals may run meanwhile): gone, with all its children.
      if (dovecot) expect([isRunning(dovecot.pid), ...childrenOf(dovecot.pid)]).toEqual([false]);
    },
    () => (root ? [root] : []),
  ),
);

describe("delegation on real Dovecot", () => {
  it(
    "the rendered grant writes user=<login> into the mailbox's dovecot-acl; the delegate reads the encrypted mail, a colleague does not see it",
    { timeout: 30_000 },
    async () => {
      const statuses = applyScript(renderAclScript([{ mailboxLogin: LOGINS.shared, delegateLogins: [LOGINS.maria] }]));
      try {
        expect(statuses).toEqual([0]);
        // Dovecot writes the rights as letters in its own order.
        const [identifier, letters] = aclFile().trim().split(" ");
        expect([identifier, [...letters!].sort().join("")]).toEqual(["user=mmueller", "eiklprstw"]);
        expect(execFileSync("doveadm", ["-c", dovecot.confPath, "acl", "get", "-u", LOGINS.shared, "INBOX"], { encoding: "utf8" })).toMatch(
          /user=mmueller\s+create expunge insert lookup post read write write-deleted write-seen\s*$/m,
        );
        const delegate = await bodiesSeenBy(LOGINS.maria);
        expect(delegate).toHaveLength(1);
        expect(delegate[0]).toContain(BODY);
        expect(await bodiesSeenBy(LOGINS.jan)).toEqual([]);
      } finally {
        withdraw("user=mmueller");
      }
    },
  );

  it(
    "a grant to anyone fails with secure key sharing (exit 75), is written all the same and shows the mailbox to a colleague",
    { timeout: 30_000 },
    async () => {
      // The mailbox has been read before, as OX reads it: its index cache holds the subject (without it,
      // a colleague's envelope fetch needs the key it lacks, and the server drops the connection).
      expect((await readMailbox(endpointsOf(dovecot), LOGINS.shared)).messages.map((m) => m.subject)).toEqual(["Post"]);
      const status = doveadm("acl", "set", "-u", LOGINS.shared, "INBOX", "anyone", "lookup", "read").status;
      try {
        expect(status).toBe(75);
        expect(aclFile()).toContain("anyone lr\n");
        // The ACL now opens the mailbox to everyone: the subject is read (index cache), only the body stays encrypted.
        const colleague = await readMailbox(endpointsOf(dovecot), LOGINS.jan);
        expect(colleague.messages.some((m) => m.folder.startsWith("shared/") && m.subject === "Post")).toBe(true);
        expect(colleague.readError).toBeDefined();
      } finally {
        withdraw("anyone");
      }
    },
  );
});
