// The gate's time split (inputs, program under mocks, pack start, policy evaluation) and peak memory
// of every process it runs, for the staging stack and a generated shard gated with staging's settings;
// then the policy evaluation alone over the shard's resources, and the SDK's registration floor for
// the same number of resources. Median of `runs` runs per phase; the load average is printed with the
// figures (other work on the machine inflates them).
// Run: npm run bench -- gate [shardMailboxes=5000] [runs=3]   (= node bin/run-ts.cjs bench/gate.ts 5000 3)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { lockCommand } from "../cli/commands/lock";
import { packSettings, policyPackConfig } from "../gate/policy-config";
import { runGate, type GateTimings } from "../gate/run-gate";
import { generate } from "@oxmig/core/generate";
import type { DeclaredResource } from "../engine/types";
import { openInProcessPack } from "../engine/in-process-pack";
import { isBlocking } from "../engine/violations";
import { registrationFloor, registrationFloorAsShipped } from "./floor";
import { readInventory } from "../io/inventory";
import { stackSelection } from "../io/stack-selection";
import { ALL_POLICIES } from "../policies/all";

const ROOT = resolve(__dirname, "..");
const RUNS = Math.max(1, Number(process.argv[3] ?? 3));
const HEAP_MB = 6144;
const SAMPLE_MS = 20;

/** kB from a /proc/<pid>/status field, 0 when the process is gone. */
function statusKb(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  try {
    const tasks = readdirSync(`/proc/${pid}/task`);
    return tasks.flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

/** Samples VmHWM (peak RSS) of this process and every descendant until stopped; peaks in MB. */
function memorySampler(): { stop: () => { selfMb: number; childrenMb: number[]; totalMb: number } } {
  const peaks = new Map<number, number>();
  let totalKb = 0;
  const sample = () => {
    const tree = [process.pid];
    for (let i = 0; i < tree.length; i++) tree.push(...childrenOf(tree[i]!));
    let rss = 0;
    for (const pid of tree) {
      peaks.set(pid, Math.max(peaks.get(pid) ?? 0, statusKb(pid, "VmHWM")));
      rss += statusKb(pid, "VmRSS");
    }
    totalKb = Math.max(totalKb, rss);
  };
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      const mb = (kb: number) => Math.round(kb / 1024);
      const others = [...peaks]
        .filter(([pid]) => pid !== process.pid)
        .map(([, kb]) => mb(kb))
        .sort((a, b) => b - a);
      return { selfMb: mb(peaks.get(process.pid) ?? 0), childrenMb: others, totalMb: mb(totalKb) };
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

type Validate = (...args: unknown[]) => unknown;

/** Ms spent inside the pack's rule functions since the last reset (see timeRules). */
let ruleMs = 0;
/** While set, every rule returns at once: what is left is the policy SDK's own work per request. */
let skipRules = false;

/** Wraps every rule function of the pack (the same module instance the in-process pack loaded) with a stopwatch, once. */
function timeRules(): { reset(): void; ms(): number } {
  for (const policy of ALL_POLICIES as unknown as Record<string, unknown>[]) {
    for (const key of ["validateResource", "validateStack"]) {
      const inner = policy[key];
      if (typeof inner !== "function" || (inner as { __timed?: true }).__timed) continue;
      const timed = (...args: unknown[]) => {
        if (skipRules) return undefined;
        const t = performance.now();
        try {
          return (inner as Validate)(...args);
        } finally {
          ruleMs += performance.now() - t;
        }
      };
      // Keep the SDK's type tag (validateResourceOfType) so it still skips other types before decoding.
      policy[key] = Object.assign(timed, inner, { __timed: true });
    }
  }
  return { reset: () => void (ruleMs = 0), ms: () => ruleMs };
}

/**
 * The policy evaluation alone over the resources the gate declared, through the in-process pack the
 * gate uses: Analyze per resource, then AnalyzeStack; median of `RUNS` after one warm run, with the
 * share spent inside the pack's rule functions (the rest is the policy SDK's own work per policy).
 */
async function measurePolicy(resources: readonly DeclaredResource[], inventoryDir: string): Promise<void> {
  const selection = stackSelection("staging", ROOT);
  const settings = packSettings({ ...selection, inventoryDir }, readInventory(inventoryDir).plan, ROOT);
  const pack = await openInProcessPack(join(ROOT, "policies"));
  const rules = timeRules();
  try {
    await pack.configure(policyPackConfig(settings, pack.policies));
    const evaluate = async () => {
      const runs: { analyze: number; stack: number; rules: number; findings: number }[] = [];
      for (let i = 0; i <= RUNS; i++) {
        rules.reset();
        let t = performance.now();
        const perResource = await pack.analyze(resources);
        const analyze = performance.now() - t;
        t = performance.now();
        const stack = await pack.analyzeStack(resources);
        runs.push({ analyze, stack: performance.now() - t, rules: rules.ms(), findings: perResource.length + stack.length });
      }
      const warm = runs.slice(1);
      return { findings: runs[0]!.findings, m: (pick: (r: (typeof runs)[number]) => number) => median(warm.map(pick)) };
    };
    const { findings, m } = await evaluate();
    console.log(
      `  policy evaluation alone (${ALL_POLICIES.length} policies, ${resources.length} resources, ${findings} findings): ` +
        `median ${s(m((r) => r.analyze + r.stack))} = Analyze ${s(m((r) => r.analyze))} + AnalyzeStack ${s(m((r) => r.stack))}; inside the rules ${s(m((r) => r.rules))}`,
    );
    skipRules = true;
    const sdk = await evaluate();
    console.log(
      `  the policy SDK's share (every rule returning at once, same requests): median ${s(sdk.m((r) => r.analyze + r.stack))} = Analyze ${s(sdk.m((r) => r.analyze))} + AnalyzeStack ${s(sdk.m((r) => r.stack))}`,
    );
  } finally {
    skipRules = false;
    pack.close();
  }
}

async function measure(label: string, inventoryDir?: string): Promise<void> {
  const runs: { t: GateTimings; mem: ReturnType<ReturnType<typeof memorySampler>["stop"]>; mailboxes: number; blocking: number }[] = [];
  let declared: DeclaredResource[] = [];
  for (let i = 0; i < RUNS; i++) {
    const sampler = memorySampler();
    const { result, timings, declared: judged } = await runGate("staging", { root: ROOT, maxOldSpaceMb: HEAP_MB, ...(inventoryDir ? { inventoryDir } : {}) });
    declared = [...judged];
    runs.push({ t: timings, mem: sampler.stop(), mailboxes: result.mailboxes, blocking: result.violations.filter(isBlocking).length });
  }
  const m = (pick: (t: GateTimings) => number) => median(runs.map((r) => pick(r.t)));
  const total = m((t) => t.totalMs);
  const { mailboxes, blocking } = runs[0]!;
  console.log(`${label}: ${mailboxes} mailboxes, ${runs[0]!.t.resources} resources, ${blocking} mandatory violation(s)`);
  console.log(
    `  inputs ${s(m((t) => t.inputsMs))} | program under mocks ${s(m((t) => t.programMs))} | pack start ${s(m((t) => t.packStartMs))} (alongside the program) | Analyze as declared ${s(m((t) => t.analyzeAlongsideMs))} (alongside) | policy evaluation after the program ${s(m((t) => t.policyMs))} | total ${s(total)}  (medians of ${RUNS})`,
  );
  console.log(`  policy evaluation runs: ${runs.map((r) => s(r.t.policyMs)).join(" / ")}`);
  const peak = (pick: (r: (typeof runs)[number]) => number) => Math.max(...runs.map(pick));
  await measurePolicy(declared, inventoryDir ?? join(ROOT, "inventory", "staging"));
  console.log(
    `  load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  if (inventoryDir) {
    const floor = await registrationFloor(runs[0]!.t.resources);
    const shipped = registrationFloorAsShipped(runs[0]!.t.resources);
    const ratios = (ms: number) => `gate / floor = ${(total / ms).toFixed(2)}, program / floor = ${(m((t) => t.programMs) / ms).toFixed(2)}`;
    console.log(`  SDK registration floor for ${floor.resources} resources, as shipped: ${s(shipped.ms)}; ${ratios(shipped.ms)}`);
    console.log(`  … with the gate's avoidances (no stack trace per resource or per promise): ${s(floor.ms)}; ${ratios(floor.ms)}`);
  }
  console.log(
    `  peak RSS: gate process ${peak((r) => r.mem.selfMb)} MB, children ${runs[0]!.mem.childrenMb.join(" MB, ")} MB (largest first), whole tree ${peak((r) => r.mem.totalMb)} MB`,
  );
}

/** A generated inventory of about `mailboxes` planned mailboxes, with a fresh lock. */
function writeShard(mailboxes: number): string {
  const dir = mkdtempSync(join(tmpdir(), "oxmig-bench-gate-"));
  const inv = generate({ people: Math.round(mailboxes * 0.97), seed: 42 });
  writeFileSync(join(dir, "directory.ldif"), inv.directoryLdif);
  writeFileSync(join(dir, "exchange.csv"), inv.exchangeCsv);
  writeFileSync(join(dir, "plan.yaml"), inv.planYaml);
  const quiet = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true;
  try {
    lockCommand({ stack: "staging", inventory: dir, root: ROOT });
  } finally {
    process.stdout.write = quiet;
  }
  return dir;
}

async function main(): Promise<void> {
  const shardSize = Number(process.argv[2] ?? 5000);
  const cpu = execFileSync("nproc", { encoding: "utf8" }).trim();
  console.log(
    `command: npm run bench -- gate ${shardSize} ${RUNS}   (node ${process.version}, ${cpu} CPUs; program child --max-old-space-size=${HEAP_MB}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")})`,
  );
  await measure("staging (inventory/staging)");
  const shard = writeShard(shardSize);
  try {
    await measure(`generated shard (~${shardSize} mailboxes, gated with staging's settings)`, shard);
  } finally {
    rmSync(shard, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
