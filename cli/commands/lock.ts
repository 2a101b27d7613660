import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { resolveBindings } from "../../core/bindings";
import { InputError } from "../../core/errors";
import { phaseRank } from "../../core/lifecycle";
import type { Wave } from "../../core/model";
import { type BindingLock, buildLock, diffLock, parseLock, renderLock, type LockChange } from "../../core/lock";
import { displayPath, readInventory } from "../../io/inventory";
import { stackSelection } from "../../io/stack-selection";
import { mergeShardLock } from "../gate/family-lock";

export const LOCK_FILE = "bindings.lock.yaml";

export function lockPath(inventoryDir: string): string {
  return path.join(inventoryDir, LOCK_FILE);
}

export interface LockCommandOptions {
  readonly stack: string;
  /** Do not write; exit 1 when the lock is missing or differs from the plan. */
  readonly check?: boolean;
  /** Lock this inventory folder instead of the stack's own (what-if checks, tests). */
  readonly inventory?: string;
  readonly root?: string;
}

function describe(change: LockChange): string {
  if (change.change !== "changed") return `  ${change.change} ${change.mailbox}`;
  return [`  changed ${change.mailbox}`, ...change.fields.map((f) => `    ${f.field}: ${f.locked} → ${f.declared}`)].join("\n");
}

/** A phase moving backwards expunges target mail on the next backup -R: the plan must say why before the lock records it. */
function refuseSilentRollback(waves: readonly Wave[], previous: BindingLock | undefined, planFile: string): void {
  for (const wave of waves) {
    const locked = previous?.waves[wave.name]?.phase;
    if (locked && phaseRank(wave.phase) < phaseRank(locked) && !wave.phaseRollback) {
      throw new InputError(planFile, `line ${wave.line} (wave ${wave.name})`, `phase ${wave.phase} is behind the locked phase ${locked}; moving a wave back needs \`phaseRollback: "<reason>"\` on the wave`);
    }
  }
}

/** Writes (or with `check`, compares) the stack's lock; returns the exit code. Input errors propagate as exit 2. */
export function lockCommand(opts: LockCommandOptions): number {
  const selection = stackSelection(opts.stack, opts.root);
  const inventoryDir = opts.inventory ? path.resolve(opts.inventory) : selection.inventoryDir;
  const inventory = readInventory(inventoryDir);
  const bindings = resolveBindings(inventory, selection.resolve);
  const phases = Object.fromEntries(inventory.plan.waves.filter((w) => bindings.some((b) => b.wave === w.name)).map((w) => [w.name, w.phase]));
  const file = lockPath(inventoryDir);
  const shown = displayPath(file);
  const previous = fs.existsSync(file) ? parseLock(fs.readFileSync(file, "utf8"), shown) : undefined;
  refuseSilentRollback(inventory.plan.waves, previous, inventory.files.plan);
  // A shard of a stack family shares the inventory's lock: only its own entries are replaced.
  const lock = mergeShardLock(selection, buildLock(opts.stack, bindings, phases), previous);
  const changes = diffLock(previous?.mailboxes ?? [], lock.mailboxes);
  const listed = changes.map(describe).join("\n");
  if (opts.check) {
    if (!previous) {
      process.stderr.write(`${shown} does not exist; run \`npx oxmig lock --stack ${opts.stack}\`\n`);
      return 1;
    }
    const phaseDrift = JSON.stringify(previous.waves) !== JSON.stringify(lock.waves);
    if (changes.length || phaseDrift) {
      process.stderr.write(`${shown} is out of date (${changes.length} mailbox changes${phaseDrift ? ", wave phases changed" : ""}):\n${listed}\nrun \`npx oxmig lock --stack ${opts.stack}\` and have the change reviewed\n`);
      return 1;
    }
    process.stdout.write(`${shown} is up to date (${lock.mailboxes.length} mailboxes)\n`);
    return 0;
  }
  fs.writeFileSync(file, renderLock(lock));
  process.stdout.write(`wrote ${shown}: ${lock.mailboxes.length} mailboxes, ${changes.length} changes\n${listed}${changes.length ? "\n" : ""}`);
  return 0;
}

export function registerLock(program: Command): void {
  program
    .command("lock")
    .description(`write inventory/<stack>/${LOCK_FILE}: the approved owner, addresses, source and key identity of every mailbox`)
    .requiredOption("--stack <stack>", "stack name")
    .option("--check", "do not write; exit 1 when the lock is missing or differs from the plan (for CI, like `npm ci` with a stale lockfile)")
    .option("--inventory <dir>", "lock this inventory folder with the stack's settings instead of the stack's own")
    .action((opts: LockCommandOptions) => {
      process.exitCode = lockCommand(opts);
    });
}
