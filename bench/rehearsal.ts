// Rehearsal speed on real Dovecots, per phase in ms per mailbox (median over the runs).
// Usage: node bin/run-ts.cjs bench/rehearsal.ts [staging|<mailboxes>] [runs=3] [messagesPerMailbox=3]
//   staging: the staging stack's bindings; a number: a generated inventory of about that many mailboxes.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { resolveBindings } from "@oxmig/core/bindings";
import { sourceEvidence } from "@oxmig/core/source-ownership";
import { generate } from "@oxmig/core/generate";
import type { Inventory } from "@oxmig/core/model";
import { parseDirectory } from "@oxmig/core/directory";
import { decodeExportBytes, parseExchange } from "@oxmig/core/exchange";
import { parsePlan } from "@oxmig/core/plan";
import { readInventory } from "../io/inventory";
import { stackSelection } from "../io/stack-selection";
import { mkdtempOwned } from "../rehearsal/dovecot/run-as";
import { PHASES, runStackRehearsal, type Phase } from "../rehearsal/stack-run";

/** Generated people per mailbox: the default profile adds shared/room/equipment mailboxes per organisation. */
function generatedInventory(mailboxes: number): Inventory {
  const people = Math.max(8, Math.round(mailboxes * 0.95));
  const g = generate({ people, seed: 11 });
  const files = { directory: "generated/directory.ldif", exchange: "generated/exchange.csv", plan: "generated/plan.yaml" };
  return {
    files,
    people: parseDirectory(Buffer.from(g.directoryLdif), files.directory),
    sources: parseExchange(decodeExportBytes(Buffer.from(g.exchangeCsv), files.exchange), files.exchange),
    plan: parsePlan(g.planYaml, files.plan),
  };
}

async function once(target: string, perMailbox: number): Promise<{ mailboxes: number; perPhase: Record<Phase, number> }> {
  const root = mkdtempOwned("oxmig-bench-");
  try {
    const selection = target === "staging" ? stackSelection("staging") : undefined;
    const inventory = selection ? readInventory(selection.inventoryDir) : generatedInventory(Number(target));
    const bindings = resolveBindings(inventory, { ...selection?.resolve, mailRoot: join(root, "target", "vmail") });
    const result = await runStackRehearsal({ bindings, root, evidence: sourceEvidence(inventory.people, inventory.sources), messagesPerMailbox: perMailbox });
    const failed = result.pairs.filter((p) => !p.ok).length + result.findings.filter((f) => !f.ok).length;
    if (failed) console.log(`warning: ${failed} failures`);
    const perPhase = Object.fromEntries(result.timings.map((t) => [t.phase, t.ms / bindings.length])) as Record<Phase, number>;
    return { mailboxes: bindings.length, perPhase };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function bench(target: string, runs: number, perMailbox: number): Promise<void> {
  const samples: Awaited<ReturnType<typeof once>>[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    samples.push(await once(target, perMailbox));
    console.log(`run ${i + 1}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  console.log(`${target}: ${samples[0]!.mailboxes} mailboxes, ${perMailbox} messages each, median of ${runs} run(s), ms per mailbox:`);
  for (const phase of PHASES)
    console.log(
      `  ${phase.padEnd(9)} ${median(samples.map((s) => s.perPhase[phase]))
        .toFixed(1)
        .padStart(7)}`,
    );
}

void bench(process.argv[2] ?? "staging", Number(process.argv[3] ?? 3), Number(process.argv[4] ?? 3));
