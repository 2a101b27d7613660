// The binding lock as git last recorded it, so `oxmig lock` can carry its history forward even when
// the working-tree lock was deleted or edited by hand. Outside a git work tree there is none.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export interface CommittedLock {
  /** The revision the text was read at (HEAD, or the parent of the commit that deleted the file). */
  readonly ref: string;
  /** The lock's path relative to the work tree's top level (for `git checkout <ref> -- <path>`). */
  readonly path: string;
  readonly text: string;
}

function git(args: readonly string[], cwd: string): string | undefined {
  try {
    return execFileSync("git", [...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 30 });
  } catch {
    return undefined;
  }
}

/** The lock file at HEAD, or as it was just before the commit that deleted it; undefined if git never had it. */
export function committedLock(file: string): CommittedLock | undefined {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) return undefined;
  const top = git(["rev-parse", "--show-toplevel"], dir)?.trim();
  if (!top) return undefined;
  const rel = path.relative(fs.realpathSync(top), path.join(fs.realpathSync(dir), path.basename(file))).split(path.sep).join("/");
  if (rel.startsWith("..")) return undefined;
  const atHead = git(["show", `HEAD:${rel}`], top);
  if (atHead !== undefined) return { ref: "HEAD", path: rel, text: atHead };
  const deletedIn = git(["rev-list", "-n", "1", "HEAD", "--", rel], top)?.trim();
  if (!deletedIn) return undefined;
  const before = git(["show", `${deletedIn}^:${rel}`], top);
  return before !== undefined ? { ref: `${deletedIn.slice(0, 12)}^`, path: rel, text: before } : undefined;
}
