// The gate's time split (inputs, program under mocks, pack start, policy evaluation) and peak memory
// of every process it runs (this one, the program child, the pack child), for the staging stack and
// a generated shard gated with staging's settings. Median of `runs` runs per phase; the load average
// is printed with the figures (other work on the machine inflates them).
// Run: npm run bench -- gate [shardMailboxes=5000] [runs=3]   (= node bin/run-ts.cjs bench/gate.ts 5000 3)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { lockCommand } from "../cli/commands/lock";
import { packSettings } from "../cli/gate/policy-config";
import { runGate, type GateTimings } from "../cli/gate/run-gate";
import { generate } from "../core/generate";
import type { DeclaredResource } from "../gate/types";
import { isBlocking } from "../gate/violations";
import { readInventory } from "../io/inventory";
import { stackSelection } from "../io/stack-selection";
import { ALL_POLICIES } from "../policies/all";

// The SDK's proxy (internal, untyped): rules read props through it in the engine too.
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as { unknownCheckingProxy: <T>(props: T) => T };

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
      const others = [...peaks].filter(([pid]) => pid !== process.pid).map(([, kb]) => mb(kb)).sort((a, b) => b - a);
      return { selfMb: mb(peaks.get(process.pid) ?? 0), childrenMb: others, totalMb: mb(totalKb) };
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const NO_OPTS = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };

/** Every rule of the pack run in this process over declared resources, without gRPC or the SDK's decoding. */
function evaluateRules(resources: readonly DeclaredResource[], config: unknown): number {
  let violations = 0;
  const report = () => void violations++;
  const getConfig = <T>() => config as T;
  const base = { stackTags: new Map(), isType: () => false, asType: () => undefined, getConfig, notApplicable: () => undefined };
  for (const policy of ALL_POLICIES) {
    const validate = (policy as ResourceValidationPolicy).validateResource;
    if (typeof validate !== "function") continue;
    const only = (validate as { __pulumiType?: string }).__pulumiType;
    for (const r of resources) {
      if (only !== undefined && r.type !== only) continue; // as the SDK does before decoding props
      const args = { ...base, type: r.type, props: unknownCheckingProxy(r.inputs), urn: r.urn, name: r.name, opts: NO_OPTS } as unknown as ResourceValidationArgs;
      void validate(args, report);
    }
  }
  const stack = resources.map((r) => ({ ...base, type: r.type, props: unknownCheckingProxy(r.outputs), urn: r.urn, name: r.name, opts: NO_OPTS, dependencies: [], propertyDependencies: {} })) as unknown as PolicyResource[];
  for (const policy of ALL_POLICIES) {
    const validate = (policy as StackValidationPolicy).validateStack;
    if (typeof validate === "function") void validate({ ...base, resources: stack } as unknown as StackValidationArgs, report);
  }
  return violations;
}

/** The rules alone over the resources the gate declared: first run (parses the exports), then median of 3. */
function measureRules(resources: readonly DeclaredResource[], inventoryDir: string): void {
  const selection = stackSelection("staging", ROOT);
  const config = packSettings({ ...selection, inventoryDir }, readInventory(inventoryDir).plan, ROOT);
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i <= RUNS; i++) {
    const t = performance.now();
    found = evaluateRules(resources, config);
    times.push(performance.now() - t);
  }
  console.log(`  rules alone, in process (${ALL_POLICIES.length} policies, ${resources.length} resources, ${found} findings): first ${s(times[0]!)} (parses the exports), then median ${s(median(times.slice(1)))}`);
}

async function measure(label: string, inventoryDir?: string): Promise<void> {
  const runs: { t: GateTimings; mem: ReturnType<ReturnType<typeof memorySampler>["stop"]>; mailboxes: number; blocking: number }[] = [];
  let declared: DeclaredResource[] = [];
  for (let i = 0; i < RUNS; i++) {
    const sampler = memorySampler();
    const keep = (rs: DeclaredResource[]) => (declared = rs);
    const { result, timings } = await runGate("staging", { root: ROOT, maxOldSpaceMb: HEAP_MB, transformResources: keep, ...(inventoryDir ? { inventoryDir } : {}) });
    runs.push({ t: timings, mem: sampler.stop(), mailboxes: result.mailboxes, blocking: result.violations.filter(isBlocking).length });
  }
  const m = (pick: (t: GateTimings) => number) => median(runs.map((r) => pick(r.t)));
  const total = m((t) => t.totalMs);
  const { mailboxes, blocking } = runs[0]!;
  console.log(`${label}: ${mailboxes} mailboxes, ${runs[0]!.t.resources} resources, ${blocking} mandatory violation(s)`);
  console.log(`  inputs ${s(m((t) => t.inputsMs))} | program under mocks ${s(m((t) => t.programMs))} | pack start ${s(m((t) => t.packStartMs))} (alongside the program) | policy evaluation ${s(m((t) => t.policyMs))} | total ${s(total)}  (medians of ${RUNS})`);
  console.log(`  policy evaluation runs: ${runs.map((r) => s(r.t.policyMs)).join(" / ")}`);
  const peak = (pick: (r: (typeof runs)[number]) => number) => Math.max(...runs.map(pick));
  measureRules(declared, inventoryDir ?? join(ROOT, "inventory", "staging"));
  console.log(`  load average after: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(`  peak RSS: gate process ${peak((r) => r.mem.selfMb)} MB, children ${runs[0]!.mem.childrenMb.join(" MB, ")} MB (largest first), whole tree ${peak((r) => r.mem.totalMb)} MB`);
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
  console.log(`command: npm run bench -- gate ${shardSize} ${RUNS}   (node ${process.version}, ${cpu} CPUs; program child --max-old-space-size=${HEAP_MB}; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")})`);
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
