import path from "node:path";
import { InputError, InputErrors } from "@oxmig/core/errors";
import { phaseRank } from "@oxmig/core/lifecycle";
import type { Binding, Plan, Wave } from "@oxmig/core/model";
import { type BindingLock, buildLock, duplicateIds, entryPhase, parseLock, renderLock, type LockEntry } from "@oxmig/core/lock";
import { diffLock, type LockChange } from "@oxmig/core/lock-diff";
import { advanceLock, mergeHistory, type MailboxDeclaration } from "@oxmig/core/lock-history";
import { describeChange, entryLabel, entryPerson, sourceBelongsToOwner, sourceHolder, type PeopleLookup } from "@oxmig/core/lock-people";
import { sourceEvidence } from "@oxmig/core/source-ownership";
import { committedLock } from "../../io/git-lock";
import { readLockText, writeLockText } from "../../io/lock-file";
import { displayPath, readInventory } from "../../io/inventory";
import { selectedBindings, stackSelection } from "../../io/stack-selection";
import { mergeShardLock } from "../../gate/family-lock";
import { LOCK_FILE } from "../specs/lock";

export { LOCK_FILE };

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

/** "1 change", "2 changes", "1 mailbox", "306 mailboxes". */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

function describe(change: LockChange, people: PeopleLookup): string {
  const { headline, details } = describeChange(change, people);
  return [`  ${headline}`, ...details.map((d) => `    ${d}`)].join("\n");
}

/**
 * One mailbox id is one home and one key. Two entries with it (one person named owner of two
 * sources, or of mailboxes in two shards) would pour both sources into one mailbox, and every
 * comparison by id would keep only one of them: refused, naming every entry and whose source it is.
 */
export function refuseDuplicateIds(
  lock: BindingLock,
  bindings: readonly Binding[],
  plan: Plan,
  previous: BindingLock | undefined,
  planFile: string,
  people: PeopleLookup,
): void {
  const ownerLines = new Map(plan.waves.flatMap((w) => w.mailboxes.map((m) => [m.line, m.ownerLine ?? m.line] as const)));
  const planned = new Map(bindings.map((b) => [b.source.exchangeGuid, ownerLines.get(b.planLine) ?? b.planLine]));
  const lockedBySource = new Map((previous?.mailboxes ?? []).map((e) => [e.source.exchangeGuid, e]));
  // The owner: line of the entry's plan line: that is the line to correct.
  const lineOf = (e: LockEntry) => planned.get(e.source.exchangeGuid);
  const describeEntry = (e: LockEntry) => {
    const line = lineOf(e);
    const was = lockedBySource.get(e.source.exchangeGuid);
    const locked = was && was.mailbox !== e.mailbox ? `, locked to ${entryPerson(was, people)}` : "";
    return `${line !== undefined ? `line ${line}` : `shard ${e.shard ?? "?"} (locked)`} (owner of source ${e.source.address}, the ${sourceHolder(e, people)}${locked})`;
  };
  const errors = duplicateIds(lock.mailboxes, (e) => e.mailbox).map((group) => {
    const suspect =
      group.find((e) => lineOf(e) !== undefined && sourceBelongsToOwner(e, people) === false) ?? group.find((e) => lineOf(e) !== undefined) ?? group[1]!;
    const line = lineOf(suspect);
    return new InputError(
      planFile,
      line !== undefined ? `line ${line}` : undefined,
      `${group.length} entries bind ${entryPerson(suspect, people)}: ${group.map(describeEntry).join(" and ")}. One mailbox id (${suspect.mailbox}) is one home and one key, so these sources would pour into one mailbox; a person owns one personal mailbox. Correct the owner: line that names the wrong person (nothing was written)`,
    );
  });
  if (errors.length) throw new InputErrors(errors);
}

/** A phase moving backwards expunges target mail on the next backup -R: the plan must say why before the lock records it. */
function refuseSilentRollback(waves: readonly Wave[], previous: BindingLock | undefined, planFile: string): void {
  for (const wave of waves) {
    const locked = previous?.waves[wave.name]?.phase;
    if (locked && phaseRank(wave.phase) < phaseRank(locked) && !wave.phaseRollback) {
      throw new InputError(
        planFile,
        `line ${wave.line} (wave ${wave.name})`,
        `phase ${wave.phase} is behind the locked phase ${locked}; moving a wave back needs \`phaseRollback: "<reason>"\` on the wave`,
      );
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
  const text = readLockText(file, shown);
  const current = text !== undefined ? parseLock(text, shown) : undefined;
  if (!current && check) return {}; // --check reports the missing lock itself
  const committed = committedLock(file);
  if (!current && committed) {
    throw new InputError(
      shown,
      undefined,
      `the lock is missing, but git has it at ${committed.ref}; a fresh lock would forget which mailboxes already receive mail (a later backup -R expunges them). Restore it with \`git checkout ${committed.ref} -- ${committed.path}\`, then rerun \`npx oxmig lock\``,
    );
  }
  const history = mergeHistory(current, committed ? parseLock(committed.text, `${committed.ref}:${committed.path}`) : undefined);
  return { ...(current ? { current } : {}), ...(history ? { history } : {}) };
}

function phaseSteps(previous: BindingLock | undefined, lock: BindingLock, people: PeopleLookup): string[] {
  const was = new Map((previous?.mailboxes ?? []).map((e) => [e.mailbox, entryPhase(e)]));
  return lock.mailboxes
    .filter((e) => was.get(e.mailbox) !== entryPhase(e))
    .map(
      (e) =>
        `  phase of ${entryLabel(e, people)}: ${was.get(e.mailbox) ?? "(new)"} → ${entryPhase(e)}${e.phaseReason && was.has(e.mailbox) ? ` (${e.phaseReason})` : ""}`,
    );
}

/** Writes (or with `check`, compares) the stack's lock; returns the exit code. Input errors propagate as exit 2. */
export function lockCommand(opts: LockCommandOptions): number {
  const selection = stackSelection(opts.stack, opts.root);
  const inventoryDir = opts.inventory ? path.resolve(opts.inventory) : selection.inventoryDir;
  const inventory = readInventory(inventoryDir);
  const bindings = selectedBindings(selection, inventory);
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
  const people = sourceEvidence(inventory.people, inventory.sources);
  refuseDuplicateIds(merged, bindings, inventory.plan, history, inventory.files.plan, people);
  const { lock, refusals } = advanceLock(merged, history, declarationsOf(inventory.plan, bindings));
  if (refusals.length) {
    throw new InputErrors(refusals.map((r) => new InputError(inventory.files.plan, r.line !== undefined ? `line ${r.line}` : undefined, r.problem)));
  }
  const changes = diffLock(previous?.mailboxes ?? [], lock.mailboxes);
  const steps = phaseSteps(previous, lock, people);
  const listed = [...changes.map((c) => describe(c, people)), ...steps].join("\n");
  if (opts.check && previous) {
    const phaseDrift = JSON.stringify(previous.waves) !== JSON.stringify(lock.waves);
    const historyDrift = renderLock(previous) !== renderLock(lock);
    if (changes.length || phaseDrift || historyDrift) {
      process.stderr.write(
        `${shown} is out of date (${counted(changes.length, "mailbox change")}${phaseDrift ? ", wave phases changed" : ""}${historyDrift && !changes.length && !phaseDrift ? ", lifecycle history or format changed" : ""}):\n${listed}\nrun \`npx oxmig lock --stack ${opts.stack}\` and have the change reviewed\n`,
      );
      return 1;
    }
    process.stdout.write(`${shown} is up to date (${counted(lock.mailboxes.length, "mailbox", "mailboxes")})\n`);
    return 0;
  }
  writeLockText(file, renderLock(lock), shown);
  process.stdout.write(
    `wrote ${shown}: ${counted(lock.mailboxes.length, "mailbox", "mailboxes")}, ${counted(changes.length, "change")}, ${counted(steps.length, "phase step")}\n${listed}${listed ? "\n" : ""}`,
  );
  return 0;
}
