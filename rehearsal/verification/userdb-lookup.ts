// What the RUNNING target's userdb gives each login, from one `doveadm user -u` call per 500
// logins instead of one process per login (output: "userdb: <login>" blocks of "  field : value").
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { DovecotInstance } from "../dovecot/dovecot-instance";

const run = promisify(execFile);
const BATCH = 500;

export interface UserdbEntry {
  readonly home?: string;
  /** Secret: compare only, never print. */
  readonly keyPassword?: string;
}

export async function lookupUserdb(target: DovecotInstance, logins: readonly string[]): Promise<Map<string, UserdbEntry>> {
  const found = new Map<string, UserdbEntry>();
  for (let i = 0; i < logins.length; i += BATCH) {
    const batch = logins.slice(i, i + BATCH);
    let stdout: string;
    try {
      ({ stdout } = await run("doveadm", ["-c", target.confPath, "user", "-u", ...batch], { maxBuffer: 64 * 1024 * 1024 }));
    } catch (err) {
      // Exit 67 when some login is unknown; the others are still printed.
      stdout = (err as { stdout?: string }).stdout ?? "";
    }
    for (const [login, entry] of parseUserBlocks(stdout)) found.set(login, entry);
  }
  return found;
}

export function parseUserBlocks(text: string): Map<string, UserdbEntry> {
  const entries = new Map<string, UserdbEntry>();
  let login: string | undefined;
  let fields: Record<string, string> = {};
  const flush = () => {
    if (login !== undefined)
      entries.set(login, {
        ...(fields.home ? { home: fields.home } : {}),
        ...(fields.mail_crypt_private_password ? { keyPassword: fields.mail_crypt_private_password } : {}),
      });
  };
  for (const line of text.split("\n")) {
    const head = /^userdb: (\S+)$/.exec(line);
    const field = /^\s+([^\s:]+)\s*: (.*)$/.exec(line);
    if (head) {
      flush();
      login = head[1]!;
      fields = {};
    } else if (field && login !== undefined) fields[field[1]!] = field[2]!;
  }
  flush();
  return entries;
}
