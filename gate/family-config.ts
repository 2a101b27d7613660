// Stack families: the shard stacks (Pulumi.<stack>.yaml with `oxmig:family: <family>`) that split one
// shared inventory by OX context. Adding a shard is adding a stack file; nothing here lists shards.
import { InputError, UsageError } from "@oxmig/core/errors";
import type { Plan } from "@oxmig/core/model";
import type { GateViolation } from "../engine/types";
import { listStacks, readStackFile } from "../io/stack-config";
import { stackSelection, type StackSelection } from "../io/stack-selection";

/** The config key naming a stack's family. */
export const FAMILY_KEY = "family";

export interface StackFamily {
  readonly name: string;
  /** Shard selections, sorted by stack name. */
  readonly shards: readonly StackSelection[];
  /** The one inventory every shard selects from. */
  readonly inventoryDir: string;
}

/** The family a stack belongs to, if its stack file names one. */
export function familyOf(selection: StackSelection): string | undefined {
  return selection.config.values[FAMILY_KEY] || undefined;
}

/** Reads every stack of the family; bad input when there is none or the shards name different inventories. */
export function readFamily(name: string, root: string = process.cwd()): StackFamily {
  const stacks = listStacks(root).filter((stack) => readStackFile(stack, root).values[FAMILY_KEY] === name);
  if (!stacks.length) throw new UsageError(`no stack file declares "oxmig:${FAMILY_KEY}: ${name}" (stacks here: ${listStacks(root).join(", ") || "none"})`);
  const shards = stacks.map((stack) => stackSelection(stack, root));
  const inventoryDir = shards[0]!.inventoryDir;
  for (const shard of shards) {
    if (shard.inventoryDir !== inventoryDir) {
      throw new InputError(
        shard.config.file,
        `config inventory`,
        `shards of family "${name}" must share one inventory: ${shard.stack} selects ${shard.inventoryDir}, ${shards[0]!.stack} selects ${inventoryDir}`,
      );
    }
  }
  return { name, shards, inventoryDir };
}

/** Every context the plan names (declared contexts and contexts of waves). */
export function planContexts(plan: Plan): string[] {
  return [...new Set([...plan.contexts.map((c) => c.name), ...plan.waves.map((w) => w.context)])].sort();
}

/** Shard stack → the contexts it covers (an empty `contexts` setting means every context). */
export function shardContexts(shards: readonly StackSelection[], plan: Plan): Record<string, string[]> {
  const all = planContexts(plan);
  return Object.fromEntries(shards.map((s) => [s.stack, [...(s.resolve.contexts ?? all)].sort()]));
}

/** Mandatory findings for contexts covered by two or more shards, or by none. */
export function coverageFindings(family: string, shards: Record<string, readonly string[]>, plan: Plan, planFile: string): GateViolation[] {
  const holders = new Map<string, string[]>(planContexts(plan).map((c) => [c, []]));
  const finding = (message: string): GateViolation => ({ policy: "family-coverage", level: "mandatory", message, file: planFile });
  const findings: GateViolation[] = [];
  for (const [shard, contexts] of Object.entries(shards)) {
    for (const c of contexts) {
      const owners = holders.get(c);
      if (owners) owners.push(shard);
      else findings.push(finding(`shard ${shard} of family ${family} selects context ${c}, which is not in the plan`));
    }
  }
  for (const [context, owners] of holders) {
    if (owners.length > 1)
      findings.push(finding(`context ${context} is in ${owners.length} shards of family ${family}: ${owners.join(", ")}; each context must be in exactly one`));
    if (owners.length === 0)
      findings.push(
        finding(`context ${context} is in no shard of family ${family} (shards: ${Object.keys(shards).join(", ")}); add it to one shard's oxmig:contexts`),
      );
  }
  return findings;
}
