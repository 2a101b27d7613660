// Which account the rehearsal's Dovecots run their mail and helper processes as.
// Dovecot refuses mail_uid=0, so as root we use the stock unprivileged `nobody`
// (present on every Debian/Ubuntu image, no user creation needed) and hand it the
// instance directory; as any other user we simply run as that user.
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

export interface RunAccount {
  readonly user: string;
  readonly group: string;
  readonly uid: number;
  readonly gid: number;
}

let cached: RunAccount | undefined;

/** `nobody` when the test process is root, else the current user (which must be in /etc/passwd). */
export function runAccount(): RunAccount {
  if (cached) return cached;
  const user = process.getuid?.() === 0 ? "nobody" : userInfo().username;
  const id = (flag: string) => execFileSync("id", [flag, user], { encoding: "utf8" }).trim();
  cached = { user, group: id("-gn"), uid: Number(id("-u")), gid: Number(id("-g")) };
  return cached;
}

/** Creates a directory owned by the run account (a no-op chown when not root). */
export function mkdirOwned(path: string): void {
  mkdirSync(path, { recursive: true });
  const { uid, gid } = runAccount();
  chownSync(path, uid, gid);
}

/** Writes a file atomically, readable only by the run account (it may hold secrets). */
export function writeOwned(path: string, text: string): void {
  const { uid, gid } = runAccount();
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chownSync(tmp, uid, gid);
  renameSync(tmp, path);
}

/** A fresh temporary directory the run account can enter and write. */
export function mkdtempOwned(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  mkdirOwned(dir);
  return dir;
}
