import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { resolveBindings } from "../../core/bindings";
import { InputError, InputErrors } from "../../core/errors";
import { phaseRank } from "../../core/lifecycle";
import type { Binding, Plan, Wave } from "../../core/model";
import { type BindingLock, buildLock, diffLock, entryPhase, parseLock, renderLock, type LockChange } from "../../core/lock";
import { advanceLock, mergeHistory, type MailboxDeclaration } from "../../core/lock-history";
import { committedLock } from "../../io/git-lock";
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

/** What the plan says about each declared mailbox: its wave's reviewed reasons and its own. */
export function declarationsOf(plan: Plan, bindings: readonly Binding[]): Map<string, MailboxDeclaration> {
  const waves = new Map(plan.waves.map((w) => [w.name, w]));
  const declarations = new Map<string, MailboxDeclaration>();
  for (const b of bindings) {
    const wave = waves.get(b.wave);
    const mailbox = wave?.mailboxes.find((m) => m.line === b.planLine);
    declarations.set(b.mailboxId, {
      wave: b.wave,
      line: b.planLine,
      ...(wave?.phaseRollback !== undefined ? { phaseRollback: wave.phaseRollback } : {}),
      ...(wave?.phaseSkip !== undefined ? { phaseSkip: wave.phaseSkip } : {}),
      ...(mailbox?.rebind !== undefined ? { rebind: mailbox.rebind } : {}),
      ...(mailbox?.rekey !== undefined ? { rekey: mailbox.rekey } : {}),
    });
  }
  return declarations;
}

/**
 * The history to carry forward: the working-tree lock merged with the one git last recorded. A lock
 * that git has but the working tree lost is never silently replaced by a fresh one.
 */
function previousHistory(file: string, shown: string, check: boolean): { current?: BindingLock; history?: BindingLock } {
  const current = fs.existsSync(file) ? parseLock(fs.readFileSync(file, "utf8"), shown) : undefined;
  if (!current && check) return {}; // --check reports the missing lock itself
  const committed = committedLock(file);
  if (!current && committed) {
    throw new InputError(shown, undefined, `the lock is missing, but git has it at ${committed.ref}; a fresh lock would forget which mailboxes already receive mail (a later backup -R expunges them). Restore it with \`git checkout ${committed.ref} -- ${committed.path}\`, then rerun \`npx oxmig lock\``);
  }
  const history = mergeHistory(current, committed ? parseLock(committed.text, `${committed.ref}:${committed.path}`) : undefined);
  return { ...(current ? { current } : {}), ...(history ? { history } : {}) };
}

function phaseSteps(previous: BindingLock | undefined, lock: BindingLock): string[] {
  const was = new Map((previous?.mailboxes ?? []).map((e) => [e.mailbox, entryPhase(e)]));
  return lock.mailboxes
    .filter((e) => was.get(e.mailbox) !== entryPhase(e))
    .map((e) => `  phase ${e.addresses[0] ?? e.mailbox}: ${was.get(e.mailbox) ?? "(new)"} → ${entryPhase(e)}${e.phaseReason && was.has(e.mailbox) ? ` (${e.phaseReason})` : ""}`);
}

/** Writes (or with `check`, compares) the stack's lock; returns the exit code. Input errors propagate as exit 2. */
export function lockCommand(opts: LockCommandOptions): number {
  const selection = stackSelection(opts.stack, opts.root);
  const inventoryDir = opts.inventory ? path.resolve(opts.inventory) : selection.inventoryDir;
  const inventory = readInventory(inventoryDir);
  const bindings = resolveBindings(inventory, selection.resolve);
  const phases = Object.fromEntries(inventory.plan.waves.filter((w) => bindings.some((b) => b.wave === w.name)).map((w) => [w.name, w.phase]));
  const contextIds = Object.fromEntries(inventory.plan.contexts.map((c) => [c.name, c.id]));
  const file = lockPath(inventoryDir);
  const shown = displayPath(file);
  const { current: previous, history } = previousHistory(file, shown, opts.check === true);
  if (opts.check && !previous) {
    process.stderr.write(`${shown} does not exist; run \`npx oxmig lock --stack ${opts.stack}\`\n`);
    return 1;
  }
  refuseSilentRollback(inventory.plan.waves, history, inventory.files.plan);
  // A shard of a stack family shares the inventory's lock: only its own entries are replaced.
  const merged = mergeShardLock(selection, buildLock(opts.stack, bindings, phases, contextIds), history);
  const { lock, refusals } = advanceLock(merged, history, declarationsOf(inventory.plan, bindings));
  if (refusals.length) {
    throw new InputErrors(refusals.map((r) => new InputError(inventory.files.plan, r.line !== undefined ? `line ${r.line}` : undefined, r.problem)));
  }
  const changes = diffLock(previous?.mailboxes ?? [], lock.mailboxes);
  const steps = phaseSteps(previous, lock);
  const listed = [...changes.map(describe), ...steps].join("\n");
  if (opts.check && previous) {
    const phaseDrift = JSON.stringify(previous.waves) !== JSON.stringify(lock.waves);
    const historyDrift = renderLock(previous) !== renderLock(lock);
    if (changes.length || phaseDrift || historyDrift) {
      process.stderr.write(`${shown} is out of date (${changes.length} mailbox changes${phaseDrift ? ", wave phases changed" : ""}${historyDrift && !changes.length && !phaseDrift ? ", lifecycle history or format changed" : ""}):\n${listed}\nrun \`npx oxmig lock --stack ${opts.stack}\` and have the change reviewed\n`);
      return 1;
    }
    process.stdout.write(`${shown} is up to date (${lock.mailboxes.length} mailboxes)\n`);
    return 0;
  }
  fs.writeFileSync(file, renderLock(lock));
  process.stdout.write(`wrote ${shown}: ${lock.mailboxes.length} mailboxes, ${changes.length} changes, ${steps.length} phase steps\n${listed}${listed ? "\n" : ""}`);
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
