// An inventory as it was at a git revision (for the reviewer's report).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { parseDirectory } from "@oxmig/core/directory";
import { UsageError } from "@oxmig/core/errors";
import { decodeExportBytes, parseExchange } from "@oxmig/core/exchange";
import type { Inventory } from "@oxmig/core/model";
import { parsePlan } from "@oxmig/core/plan";
import { decodeUtf8 } from "@oxmig/core/text";

/** A revision that git would read as an option (`--output=…`) is refused before git runs. */
export function checkRevision(ref: string): void {
  if (ref === "" || ref.startsWith("-")) throw new UsageError(`--base ${JSON.stringify(ref)}: a git revision must not be empty or start with "-"`);
}

function showAtRevision(ref: string, file: string, cwd: string): Buffer | undefined {
  try {
    // --end-of-options (git >= 2.24): whatever the revision says, git takes it as a revision.
    return execFileSync("git", ["show", "--end-of-options", `${ref}:${file}`], { cwd, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 30 });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? "");
    if (/does not exist|exists on disk, but not in/.test(stderr)) return undefined;
    if (/invalid object name|unknown revision|bad revision/i.test(stderr)) throw new UsageError(`--base ${ref}: not a git revision here`);
    throw new UsageError(`git show ${ref}:${file} failed: ${stderr.trim()}`);
  }
}

/** The inventory at `ref`, or undefined when the stack's inventory did not exist there yet. Git runs in `cwd`. */
export function readInventoryAtRevision(ref: string, inventoryDir: string, cwd: string = process.cwd()): Inventory | undefined {
  checkRevision(ref);
  const rel = path.relative(execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd, encoding: "utf8" }).trim(), inventoryDir);
  const at = (name: string) => path.posix.join(rel.split(path.sep).join("/"), name);
  const files = { directory: at("directory.ldif"), exchange: at("exchange.csv"), plan: at("plan.yaml") };
  const [directory, exchange, plan] = [files.directory, files.exchange, files.plan].map((f) => showAtRevision(ref, f, cwd));
  if (!directory || !exchange || !plan) return undefined;
  const label = (f: string) => `${ref}:${f}`;
  return {
    files: { directory: label(files.directory), exchange: label(files.exchange), plan: label(files.plan) },
    people: parseDirectory(directory, label(files.directory)),
    sources: parseExchange(decodeExportBytes(exchange, label(files.exchange)), label(files.exchange)),
    plan: parsePlan(decodeUtf8(plan, label(files.plan)), label(files.plan)),
  };
}
