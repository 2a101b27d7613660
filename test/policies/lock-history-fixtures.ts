// Version-2 locks for the fixture plan: each mailbox with the phase it reached, context ids, retired entries.
import fs from "node:fs";
import path from "node:path";
import { renderLock, type BindingLock, type LockEntry } from "@oxmig/core/lock";
import type { WavePhase } from "@oxmig/core/model";
import { lockEntries } from "./helpers";
import { policyTempDir } from "./temp-dirs";

/** The fixture plan's entries, the mailboxes of `waves` at the given phase, the others copying. */
export function phasedEntries(waves: Record<string, WavePhase>): LockEntry[] {
  return lockEntries().map((e) => ({ ...e, phase: waves[e.wave] ?? "copying" }));
}

export function writeHistoryLock(lock: Partial<BindingLock> & { mailboxes: readonly LockEntry[] }): string {
  const dir = policyTempDir("oxmig-history-lock-");
  const file = path.join(dir, "bindings.lock.yaml");
  fs.writeFileSync(file, renderLock({ lockVersion: 2, stack: "staging", contexts: {}, waves: {}, retired: [], ...lock }));
  return file;
}
