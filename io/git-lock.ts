// The binding lock as git last recorded it, so `oxmig lock` can carry its history forward even when
// the working-tree lock was deleted or edited by hand. Outside a git work tree there is none.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { decodeUtf8 } from "@oxmig/core/text";

export interface CommittedLock {
  /** The revision the text was read at (HEAD, or the parent of the commit that deleted the file). */
  readonly ref: string;
  /** The lock's path relative to the work tree's top level (for `git checkout <ref> -- <path>`). */
  readonly path: string;
  readonly text: string;
}

function git(args: readonly string[], cwd: string): Buffer | undefined {
  try {
    return execFileSync("git", [...args], { cwd, stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 30 });
  } catch {
    return undefined;
  }
}

/** The lock's text at `ref`, strictly UTF-8 (an invalid byte is an error naming `ref:path` and the line, not U+FFFD). */
function lockAt(ref: string, rel: string, top: string, shownRef: string = ref): CommittedLock | undefined {
  const bytes = git(["show", "--end-of-options", `${ref}:${rel}`], top);
  return bytes === undefined ? undefined : { ref: shownRef, path: rel, text: decodeUtf8(bytes, `${shownRef}:${rel}`) };
}

/** The lock file at HEAD, or as it was just before the commit that deleted it; undefined if git never had it. */
export function committedLock(file: string): CommittedLock | undefined {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) return undefined;
  const top = git(["rev-parse", "--show-toplevel"], dir)?.toString("utf8").trim();
  if (!top) return undefined;
  const rel = path
    .relative(fs.realpathSync(top), path.join(fs.realpathSync(dir), path.basename(file)))
    .split(path.sep)
    .join("/");
  if (rel.startsWith("..")) return undefined;
  const atHead = lockAt("HEAD", rel, top);
  if (atHead) return atHead;
  const deletedIn = git(["rev-list", "-n", "1", "HEAD", "--", rel], top)?.toString("utf8").trim();
  if (!deletedIn) return undefined;
  return lockAt(`${deletedIn}^`, rel, top, `${deletedIn.slice(0, 12)}^`);
}
