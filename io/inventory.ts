// Reads a stack's three inputs from inventory/<stack>/ and parses them.
import { readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { parseDirectory } from "@oxmig/core/directory";
import { InputError } from "@oxmig/core/errors";
import { decodeExportBytes, parseExchange } from "@oxmig/core/exchange";
import type { Inventory, InventoryFiles } from "@oxmig/core/model";
import { parsePlan } from "@oxmig/core/plan";
import { decodeUtf8 } from "@oxmig/core/text";

export const INVENTORY_FILES = { directory: "directory.ldif", exchange: "exchange.csv", plan: "plan.yaml" } as const;

/** `<root>/inventory/<stack>`. */
export function inventoryDir(stack: string, root: string = process.cwd()): string {
  return join(root, "inventory", stack);
}

/** A path as users should see it in messages: relative to the working directory when inside it. */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  const absolute = resolve(cwd, path);
  const rel = relative(cwd, absolute);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? absolute : rel;
}

function readBytes(path: string, shown: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem = code === "ENOENT" ? "file not found" : `cannot read the file (${code ?? (err as Error).message})`;
    throw new InputError(shown, undefined, `${problem}; every stack needs ${Object.values(INVENTORY_FILES).join(", ")}`);
  }
}

/** Reads and parses directory.ldif, exchange.csv and plan.yaml from `dir`. */
export function readInventory(dir: string): Inventory {
  const paths = {
    directory: join(dir, INVENTORY_FILES.directory),
    exchange: join(dir, INVENTORY_FILES.exchange),
    plan: join(dir, INVENTORY_FILES.plan),
  };
  const files: InventoryFiles = {
    directory: displayPath(paths.directory),
    exchange: displayPath(paths.exchange),
    plan: displayPath(paths.plan),
  };
  const directoryBytes = readBytes(paths.directory, files.directory);
  const exchangeBytes = readBytes(paths.exchange, files.exchange);
  // Strict: an invalid byte is refused with its line instead of silently becoming U+FFFD.
  const planText = decodeUtf8(readBytes(paths.plan, files.plan), files.plan, { hint: "save plan.yaml as UTF-8" });
  return {
    files,
    people: parseDirectory(directoryBytes, files.directory),
    sources: parseExchange(decodeExportBytes(exchangeBytes, files.exchange), files.exchange),
    plan: parsePlan(planText, files.plan),
  };
}
