// Encryption at rest: every INBOX message file under the mailbox's home starts with CRYPTED and
// names a folder key that `doveadm mailbox cryptokey list` reports for that user's INBOX.
import { execFile } from "node:child_process";
import { openSync, readSync, closeSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { readCryptedHeader } from "./crypted-file";
import type { DovecotInstance } from "../dovecot/dovecot-instance";
import type { ExpectedMailbox, Finding } from "./types";

const run = promisify(execFile);

/** `homes`: login → home as the running userdb gives it (see userdb-lookup.ts). */
export async function verifyEncryption(
  target: DovecotInstance,
  mailbox: ExpectedMailbox,
  all: readonly ExpectedMailbox[],
  homes: ReadonlyMap<string, string>,
): Promise<Finding> {
  const finding = (ok: boolean, detail: string): Finding => ({ mailboxId: mailbox.mailboxId, login: mailbox.login, check: "encryption", ok, detail });
  const home = homes.get(mailbox.login);
  if (home !== mailbox.home) {
    const owner = all.find((m) => m.home === home);
    const whose = owner ? `the home of ${owner.mailboxId} (login ${owner.login})` : "no expected mailbox's home";
    return finding(false, `userdb gives ${mailbox.login} the home ${home}, ${whose}; expected ${mailbox.home}`);
  }
  const intruders = all.filter((m) => m !== mailbox && homes.get(m.login) === mailbox.home);
  if (intruders.length) {
    return finding(false, `userdb also gives this home to ${intruders.map((m) => `${m.mailboxId} (login ${m.login})`).join(", ")}`);
  }
  const files = inboxFiles(mailbox.home);
  if (files.length === 0) return finding(false, `no INBOX message files under ${mailbox.home}`);
  let folderKeys: string[];
  try {
    folderKeys = await inboxKeyIds(target, mailbox.login);
  } catch (err) {
    return finding(false, `cryptokey list failed: ${(err as Error).message.split("\n")[0]}`);
  }
  const problems: string[] = [];
  for (const file of files) {
    const header = readCryptedHeader(readHead(file));
    const name = file.slice(mailbox.home.length + 1);
    if (!header.encrypted) problems.push(`${name} is not encrypted`);
    else if (!header.keyId || !folderKeys.includes(header.keyId))
      problems.push(`${name} uses key ${header.keyId ?? "?"}, not an INBOX key of ${mailbox.login}`);
  }
  return problems.length
    ? finding(false, `${problems.length} of ${files.length} files: ${problems.slice(0, 3).join("; ")}`)
    : finding(true, `${files.length} files encrypted with the INBOX key of ${mailbox.login}`);
}

/** Folder key ids of INBOX from `doveadm -f tab mailbox cryptokey list`: columns "Folder", "Active", "Public ID" (2.3.19). */
export async function inboxKeyIds(target: DovecotInstance, login: string): Promise<string[]> {
  const { stdout } = await run("doveadm", ["-c", target.confPath, "-f", "tab", "mailbox", "cryptokey", "list", "-u", login, "INBOX"]);
  const [head, ...rows] = stdout.trim().split("\n");
  const idColumn = (head ?? "").split("\t").findIndex((title) => /\bID$/.test(title));
  if (idColumn < 0) throw new Error(`unexpected cryptokey list header "${head}"`);
  return rows.map((r) => r.split("\t")[idColumn] ?? "").filter(Boolean);
}

function inboxFiles(home: string): string[] {
  return ["cur", "new"].flatMap((sub) => {
    const dir = join(home, "Maildir", sub);
    try {
      return readdirSync(dir).map((f) => join(dir, f));
    } catch {
      return [];
    }
  });
}

function readHead(file: string): Buffer {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(512);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}
