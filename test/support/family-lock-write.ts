// Writes the family lock for every shard at once: what `oxmig lock --stack <shard>` run for each shard
// would leave behind. Test and benchmark support only (reviewers lock shard by shard), so it lives
// outside the production code.
import { appendAll } from "@oxmig/core/append";
import { resolveBindings } from "@oxmig/core/bindings";
import { InputError, InputErrors } from "@oxmig/core/errors";
import { buildLock, parseLock, renderLock, type BindingLock } from "@oxmig/core/lock";
import { advanceLock } from "@oxmig/core/lock-history";
import type { Binding } from "@oxmig/core/model";
import { readInventory } from "../../io/inventory";
import { readLockText, writeLockText } from "../../io/lock-file";
import { sourceEvidence } from "@oxmig/core/source-ownership";
import { declarationsOf, lockPath, refuseDuplicateIds } from "../../cli/commands/lock";
import { readFamily } from "../../gate/family-config";
import { mergeShardLock } from "../../gate/family-lock";

export function writeFamilyLock(name: string, root: string = process.cwd()): { file: string; lock: BindingLock } {
  const family = readFamily(name, root);
  const inventory = readInventory(family.inventoryDir);
  const file = lockPath(family.inventoryDir);
  // The history on record carries forward, as shard-by-shard `oxmig lock` would carry it.
  const text = readLockText(file);
  const previous = text !== undefined ? parseLock(text, file) : undefined;
  const contextIds = Object.fromEntries(inventory.plan.contexts.map((c) => [c.name, c.id]));
  let merged: BindingLock | undefined = previous;
  const all: Binding[] = [];
  for (const selection of family.shards) {
    const bindings = resolveBindings(inventory, selection.resolve);
    appendAll(all, bindings);
    const waves = new Set(bindings.map((b) => b.wave));
    const phases = Object.fromEntries(inventory.plan.waves.filter((w) => waves.has(w.name)).map((w) => [w.name, w.phase]));
    merged = mergeShardLock(selection, buildLock(selection.stack, bindings, phases, contextIds), merged);
  }
  refuseDuplicateIds(merged!, all, inventory.plan, previous, inventory.files.plan, sourceEvidence(inventory.people, inventory.sources));
  const { lock, refusals } = advanceLock(merged!, previous, declarationsOf(inventory.plan, all));
  if (refusals.length)
    throw new InputErrors(refusals.map((r) => new InputError(inventory.files.plan, r.line !== undefined ? `line ${r.line}` : undefined, r.problem)));
  writeLockText(file, renderLock(lock));
  return { file, lock };
}
