// The binding lock on disk: read strictly as UTF-8, and read or written only as a regular file. A lock
// committed as a symbolic link (git stores links) would otherwise make `oxmig lock` write wherever it points.
import fs from "node:fs";
import { InputError } from "@oxmig/core/errors";
import { decodeUtf8 } from "@oxmig/core/text";

const REPLACE_LINK = "oxmig reads and writes the lock only as a regular file; replace the link with the file itself";

/** True when the lock exists as a regular file, false when it does not exist; refuses a link or anything else. */
function isRegularLock(file: string, shown: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return false;
    throw new InputError(shown, undefined, `cannot read the lock (${code ?? (err as Error).message})`);
  }
  if (stat.isSymbolicLink()) throw new InputError(shown, undefined, `the lock is a symbolic link (to ${fs.readlinkSync(file)}); ${REPLACE_LINK}`);
  if (!stat.isFile()) throw new InputError(shown, undefined, "the lock is not a regular file");
  return true;
}

/** The lock's text, or undefined when there is none. `shown` names the file in errors. */
export function readLockText(file: string, shown: string = file): string | undefined {
  if (!isRegularLock(file, shown)) return undefined;
  return decodeUtf8(fs.readFileSync(file), shown);
}

/** Writes the lock in place; never through a symbolic link, even one planted after the check. */
export function writeLockText(file: string, text: string, shown: string = file): void {
  isRegularLock(file, shown);
  const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;
  let fd: number;
  try {
    fd = fs.openSync(file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o666);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOOP") throw new InputError(shown, undefined, `the lock is a symbolic link; ${REPLACE_LINK}`);
    throw err;
  }
  try {
    fs.writeFileSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}
