// A stack family through the gate: coverage of the inventory's contexts, every shard gated in parallel
// (each shard's program in its own child process; the pack in this process or, with --analyzer grpc,
// in its own child), and a cross-check of the bindings the shards declare, so a duplicate across
// shards is caught before any lock is written.
import os from "node:os";
import { lockEntryFor } from "@oxmig/core/lock";
import type { Inventory } from "@oxmig/core/model";
import type { GateResult, GateViolation } from "../engine/types";
import { readInventory } from "../io/inventory";
import { selectedBindings, type StackSelection } from "../io/stack-selection";
import { collisionText, crossShardCollisions, fromLockEntry, type ShardMailbox } from "@oxmig/core/shard-collisions";
import { coverageFindings, readFamily, shardContexts } from "./family-config";
import type { FamilyProgress } from "./family-progress";
import { runGate, type AnalyzerMode, type GateTimings } from "./run-gate";

/** Memory one shard's program child may need (~5,000 mailboxes), for sizing the parallelism. */
const SHARD_MEMORY_BYTES = 3 * 2 ** 30;

export interface FamilyGateOptions {
  readonly root?: string;
  /** Makes the progress display once the shards are known; stopped when the gate ends. */
  readonly progress?: (shards: readonly string[]) => FamilyProgress;
  /** Shards gated at once (default: familyConcurrency). */
  readonly concurrency?: number;
  readonly maxOldSpaceMb?: number;
  readonly analyzer?: AnalyzerMode;
}

export interface ShardRun {
  readonly shard: string;
  readonly result: GateResult;
  readonly timings: GateTimings;
  readonly wallMs: number;
}

export interface FamilyGateRun {
  readonly result: GateResult;
  readonly shards: readonly ShardRun[];
  readonly concurrency: number;
  readonly wallMs: number;
  /** Reading the shared inventory, coverage and the cross-shard check, in this process. */
  readonly familyChecksMs: number;
}

/** Shards gated at once: no more than the cores, nor than free memory allows at ~3 GB a shard. */
export function familyConcurrency(shards: number, freeBytes: number = os.freemem(), cores: number = os.availableParallelism()): number {
  return Math.max(1, Math.min(shards, cores, Math.floor(freeBytes / SHARD_MEMORY_BYTES)));
}

/** Runs `fn` over items with at most `limit` at once; stops starting new ones after a failure. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Mailboxes two shards both declare an identity of (address, person, source, login), as mandatory findings. */
export function crossShardFindings(inventory: Inventory, shards: readonly StackSelection[]): GateViolation[] {
  const declared: ShardMailbox[][] = shards.map((s) => selectedBindings(s, inventory).map((b) => fromLockEntry(lockEntryFor(b), s.stack)));
  const findings: GateViolation[] = [];
  declared.forEach((mine, i) => {
    for (const c of crossShardCollisions(mine, declared.slice(i + 1).flat())) {
      findings.push({
        policy: "family-unique-across-shards",
        level: "mandatory",
        mailbox: c.mine.label,
        ...(c.mine.uid ? { identity: c.mine.uid } : {}),
        shard: c.mine.shard,
        message: `declared in two shards: ${collisionText(c)}`,
        file: inventory.files.plan,
      });
    }
  });
  return findings;
}

function inShard(v: GateViolation, shard: string): GateViolation {
  return { ...v, shard, message: `shard ${shard}: ${v.message}` };
}

export async function runFamilyGate(name: string, opts: FamilyGateOptions = {}): Promise<FamilyGateRun> {
  const started = performance.now();
  const root = opts.root ?? process.cwd();
  const family = readFamily(name, root);
  const inventory = readInventory(family.inventoryDir);
  const coverage = coverageFindings(name, shardContexts(family.shards, inventory.plan), inventory.plan, inventory.files.plan);
  const cross = crossShardFindings(inventory, family.shards);
  const familyChecksMs = performance.now() - started;
  const concurrency = opts.concurrency ?? familyConcurrency(family.shards.length);
  const progress = opts.progress?.(family.shards.map((s) => s.stack));
  const gateShard = async (shard: StackSelection): Promise<ShardRun> => {
    const t = performance.now();
    const { result, timings } = await runGate(shard.stack, {
      root,
      inventory,
      onPhase: (phase) => progress?.phase(shard.stack, phase),
      ...(opts.maxOldSpaceMb ? { maxOldSpaceMb: opts.maxOldSpaceMb } : {}),
      ...(opts.analyzer ? { analyzer: opts.analyzer } : {}),
    });
    const blocking = result.violations.filter((v) => v.level === "mandatory" || v.level === "remediate").length;
    progress?.done(shard.stack, `${blocking ? "REJECTED" : "passed"} (${result.mailboxes} mailboxes, ${blocking} mandatory)`);
    return { shard: shard.stack, result, timings, wallMs: performance.now() - t };
  };
  let shards: ShardRun[];
  try {
    shards = await pool(family.shards, concurrency, gateShard);
  } finally {
    progress?.stop();
  }
  const blockingFirst = (v: GateViolation) => (v.level === "mandatory" || v.level === "remediate" ? 0 : 1);
  const violations = [...coverage, ...cross, ...shards.flatMap((s) => s.result.violations.map((v) => inShard(v, s.shard)))].sort(
    (a, b) => blockingFirst(a) - blockingFirst(b),
  );
  return {
    result: { stack: name, mailboxes: shards.reduce((n, s) => n + s.result.mailboxes, 0), violations },
    shards,
    concurrency,
    wallMs: performance.now() - started,
    familyChecksMs,
  };
}
