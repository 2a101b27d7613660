// Which inventory and which part of it a stack covers, from Pulumi.<stack>.yaml.
import path from "node:path";
import { resolveBindings, type ResolveOptions } from "@oxmig/core/bindings";
import { InputError } from "@oxmig/core/errors";
import { DEFAULT_MAIL_ROOT } from "@oxmig/core/ids";
import type { Binding, Inventory } from "@oxmig/core/model";
import { narrowToWaves, selectionFilter, type SelectionFilter } from "@oxmig/core/stack-selection";
import { readStackFile, type StackFile } from "./stack-config";

export interface StackSelection {
  readonly stack: string;
  readonly config: StackFile;
  readonly inventoryDir: string;
  readonly resolve: ResolveOptions;
}

function list(config: StackFile, key: string): string[] | undefined {
  const raw = config.values[key];
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === "string")) {
    throw new InputError(config.file, `config ${key}`, `expected a list of names, found ${raw}`);
  }
  return parsed;
}

export function stackSelection(stack: string, root: string = process.cwd()): StackSelection {
  const config = readStackFile(stack, root);
  const inventoryDir = path.resolve(root, config.values["inventory"] ?? path.join("inventory", stack));
  return {
    stack,
    config,
    inventoryDir,
    resolve: {
      mailRoot: config.values["mailRoot"] ?? DEFAULT_MAIL_ROOT,
      ...selectionFilter(list(config, "waves"), list(config, "contexts")),
    },
  };
}

/**
 * The bindings a command works on: the stack's selection (checked against the plan, as the program
 * checks it) narrowed to `--wave` names, with homes under `mailRoot` when given.
 */
export function selectedBindings(
  selection: StackSelection,
  inventory: Inventory,
  narrow: { readonly waves?: readonly string[]; readonly mailRoot?: string } = {},
): Binding[] {
  const filter = selectedFilter(selection, inventory, narrow.waves);
  return resolveBindings(inventory, { ...selection.resolve, ...filter, ...(narrow.mailRoot ? { mailRoot: narrow.mailRoot } : {}) });
}

/** The stack's selection narrowed to `--wave` names, checked as selectedBindings checks it (for a caller that has the stack's bindings already). */
export function selectedFilter(selection: StackSelection, inventory: Inventory, waves: readonly string[] | undefined): SelectionFilter {
  return narrowToWaves(inventory.plan, selection.resolve, waves, { stack: selection.config.file, plan: inventory.files.plan });
}
