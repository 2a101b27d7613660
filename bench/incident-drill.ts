// The incident drill (`oxmig rehearse --incident-drill`) on the staging stack: time, mailboxes and
// messages, median over the runs, and where the time goes (per step, summed over the waves).
// Usage: node bin/run-ts.cjs bench/incident-drill.ts [waves=all|N] [runs=1] [messagesPerMailbox=3]
//   N: only the first N waves of staging.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { resolveBindings } from "@oxmig/core/bindings";
import { sourceEvidence } from "@oxmig/core/source-ownership";
import { readInventory } from "../io/inventory";
import { stackSelection } from "../io/stack-selection";
import { drillPassed, runIncidentDrill, type DrillResult } from "../rehearsal/incident/drill";
import { countsLine } from "../rehearsal/incident/report";
import { mkdtempOwned } from "../rehearsal/dovecot/run-as";

async function once(waveLimit: number | undefined, perMailbox: number): Promise<DrillResult> {
  const root = mkdtempOwned("oxmig-bench-drill-");
  try {
    const selection = stackSelection("staging");
    const inventory = readInventory(selection.inventoryDir);
    const waves = waveLimit === undefined ? undefined : inventory.plan.waves.slice(0, waveLimit).map((w) => w.name);
    const bindings = resolveBindings(inventory, { ...selection.resolve, ...(waves ? { waves } : {}), mailRoot: join(root, "target", "vmail") });
    return await runIncidentDrill({ bindings, root, evidence: sourceEvidence(inventory.people, inventory.sources), messagesPerMailbox: perMailbox });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function bench(waveArg: string, runs: number, perMailbox: number): Promise<void> {
  const waveLimit = waveArg === "all" ? undefined : Number(waveArg);
  const results: DrillResult[] = [];
  for (let i = 0; i < runs; i++) {
    const result = await once(waveLimit, perMailbox);
    results.push(result);
    console.log(`run ${i + 1}: ${(result.ms / 1000).toFixed(1)} s, ${drillPassed(result) ? "PASSED" : "FAILED"}; ${countsLine(result)}`);
  }
  const t = results[0]!.totals;
  console.log(
    `staging, ${waveArg === "all" ? "all" : `first ${waveArg}`} waves (${results[0]!.waves.length}), ${perMailbox} messages seeded per source (+2 later), median of ${runs} run(s):`,
  );
  console.log(
    `  time        ${(median(results.map((r) => r.ms)) / 1000).toFixed(1)} s (${median(results.map((r) => r.ms / r.totals.mailboxes)).toFixed(0)} ms per mailbox)`,
  );
  console.log(`  mailboxes   ${t.mailboxes}, crossed ${t.affected}`);
  console.log(
    `  messages    ${t.seeded} seeded, ${t.delivered} delivered after cut-over, ${t.foreignRemoved} foreign removed, ${t.reimported}+${t.lateReimported} re-migrated, ${t.messagesAtEnd} on the targets at the end`,
  );
  const steps = new Map<string, number[]>();
  for (const r of results) {
    const sums = new Map<string, number>();
    for (const w of r.waves) for (const s of w.steps) sums.set(s.step, (sums.get(s.step) ?? 0) + s.ms);
    for (const [step, ms] of sums) steps.set(step, [...(steps.get(step) ?? []), ms]);
  }
  console.log("  per step (summed over the waves):");
  for (const [step, ms] of steps) console.log(`    ${step.padEnd(48)} ${(median(ms) / 1000).toFixed(1).padStart(6)} s`);
}

void bench(process.argv[2] ?? "all", Number(process.argv[3] ?? 1), Number(process.argv[4] ?? 3));
