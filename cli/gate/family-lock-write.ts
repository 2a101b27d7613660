// Writes the family lock for every shard at once: what `oxmig lock --stack <shard>` run for each shard
// would leave behind. For the benchmark and tests; reviewers lock shard by shard.
import fs from "node:fs";
import { resolveBindings } from "../../core/bindings";
import { buildLock, renderLock, type BindingLock } from "../../core/lock";
import { readInventory } from "../../io/inventory";
import { lockPath } from "../commands/lock";
import { readFamily } from "./family-config";
import { mergeShardLock } from "./family-lock";

export function writeFamilyLock(name: string, root: string = process.cwd()): { file: string; lock: BindingLock } {
  const family = readFamily(name, root);
  const inventory = readInventory(family.inventoryDir);
  let merged: BindingLock | undefined;
  for (const selection of family.shards) {
    const bindings = resolveBindings(inventory, selection.resolve);
    const waves = new Set(bindings.map((b) => b.wave));
    const phases = Object.fromEntries(inventory.plan.waves.filter((w) => waves.has(w.name)).map((w) => [w.name, w.phase]));
    merged = mergeShardLock(selection, buildLock(selection.stack, bindings, phases), merged);
  }
  const file = lockPath(family.inventoryDir);
  fs.writeFileSync(file, renderLock(merged!));
  return { file, lock: merged! };
}
