// Where a command's report goes: `--out FILE` is checked before any work starts (a gate run takes
// seconds to minutes) and written whole, never half; stdout closed early by a reader is not a failure.
import fs from "node:fs";
import path from "node:path";
import { UsageError } from "@oxmig/core/errors";

/** stat, or undefined where nothing is (ENOENT) or a file stands on the way (ENOTDIR). */
function statOrNothing(at: string): fs.Stats | undefined {
  try {
    return fs.statSync(at);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw err;
  }
}

/** The nearest folder that exists on the way up from `dir`, and the first path that is not a folder. */
function existingAncestor(dir: string): { folder?: string; blocker?: string } {
  for (let at = dir; ; at = path.dirname(at)) {
    const stat = statOrNothing(at);
    if (stat) return stat.isDirectory() ? { folder: at } : { blocker: at };
    if (path.dirname(at) === at) return {};
  }
}

/** Refuses an --out path that can never be written (a file where a folder must be, or a folder as the file). */
export function checkOutFile(out: string | undefined, option = "--out"): void {
  if (out === undefined) return;
  const file = path.resolve(out);
  const { blocker } = existingAncestor(path.dirname(file));
  if (blocker !== undefined) throw new UsageError(`${option} ${out}: ${blocker} is a file, not a folder (nothing was written)`);
  if (statOrNothing(file)?.isDirectory()) throw new UsageError(`${option} ${out} is a folder; name a file in it`);
}

/**
 * Writes next to the target and renames, so a reader never sees half a report. A missing folder is
 * created only now, after the work succeeded, and said on stderr (CI writes into a fresh `reports/`).
 */
export function writeOutFile(out: string, text: string, log: (line: string) => void = (l) => process.stderr.write(`oxmig: ${l}\n`), option = "--out"): void {
  checkOutFile(out, option);
  const file = path.resolve(out);
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    log(`created folder ${path.relative(process.cwd(), dir) || "."} for ${option}`);
  }
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/**
 * `oxmig bindings | head`: the reader leaves, the next write fails with EPIPE. That is the reader's
 * choice, not a rejected plan, so the command ends quietly with the code it had so far.
 */
export function endQuietlyOnClosedStdout(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
  });
}
