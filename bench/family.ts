// The whole administration through the family gate: a generated 40,000-person inventory split into
// 8 shards of ~5,000 mailboxes (temporary Pulumi.bench<pid>-sN.yaml files, removed afterwards),
// its family lock, one shard gated alone and the whole family, with the time split, peak memory of
// this process and its children, and the ratios of gate and program time to the SDK's registration floor.
// Then the same family with one address planned in two shards, which must be rejected naming both.
// Run: npm run bench -- family [people=40000] [shards=8] [no-inject]
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { dump, load as loadYaml } from "js-yaml";
import { runFamilyGate } from "../gate/family";
import { writeFamilyLock } from "../test/support/family-lock-write";
import { runGate } from "../gate/run-gate";
import { generate } from "@oxmig/core/generate";
import { isBlocking } from "../engine/violations";
import { registrationFloor, registrationFloorAsShipped } from "./floor";

const ROOT = resolve(__dirname, "..");
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** Other work on the machine inflates every figure: print the load with them. */
const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`;

/** Peak resident memory of this process plus all its descendants (sampled from /proc every 200 ms). */
function memorySampler(): { stop(): number } {
  const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
  const sample = () => {
    const parents = new Map<number, number[]>();
    for (const entry of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        const ppid = Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
        parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
      } catch {
        // The process ended between listing and reading.
      }
    }
    let total = 0;
    const todo = [process.pid];
    while (todo.length) {
      const pid = todo.pop()!;
      try {
        total += rssOf(pid);
      } catch {
        // Gone.
      }
      todo.push(...(parents.get(pid) ?? []));
    }
    return total;
  };
  let peak = sample();
  const timer = setInterval(() => (peak = Math.max(peak, sample())), 200);
  return { stop: () => (clearInterval(timer), Math.max(peak, sample())) };
}

function writeInventory(people: number, shards: number): { dir: string; organisations: string[][] } {
  const dir = mkdtempSync(join(tmpdir(), "oxmig-bench-family-"));
  const names = Array.from({ length: shards * 2 }, (_, i) => `org-${String(i + 1).padStart(2, "0")}`);
  const inv = generate({ people, seed: 40_000, organisations: names, waveSize: 250 });
  writeFileSync(join(dir, "directory.ldif"), inv.directoryLdif);
  writeFileSync(join(dir, "exchange.csv"), inv.exchangeCsv);
  writeFileSync(join(dir, "plan.yaml"), inv.planYaml);
  console.log(
    `generated ${inv.summary.people} people, ${inv.summary.mailboxes} source mailboxes, ${inv.summary.organisations} organisations, ${inv.summary.waves} waves in ${dir}`,
  );
  return { dir, organisations: Array.from({ length: shards }, (_, i) => names.slice(i * 2, i * 2 + 2)) };
}

function writeStackFiles(family: string, inventory: string, organisations: string[][]): string[] {
  return organisations.map((contexts, i) => {
    const file = join(ROOT, `Pulumi.${family}-s${i + 1}.yaml`);
    const config = {
      "oxmig:family": family,
      "oxmig:inventory": inventory,
      "oxmig:contexts": contexts,
      "oxmig:protect": true,
      "oxmig:stackKind": "prod",
      "oxmig:oxEndpoint": "http://127.0.0.1:8009",
      "oxmig:imapServer": "imap://127.0.0.1:143",
      "oxmig:smtpServer": "smtp://127.0.0.1:587",
      "oxmig:sourceImapHost": "exchange.land.example",
    };
    writeFileSync(file, `# Temporary shard stack of bench/family.ts; removed when the benchmark ends.\n${JSON.stringify({ config }, null, 2)}\n`);
    return file;
  });
}

interface RawPlan {
  waves: { context: string; mailboxes: { source: string; aliases?: string[] }[] }[];
}

/** The same family again with one shard's source address given, as an alias, to a mailbox of the last shard. */
async function injectedDuplicate(family: string, dir: string, organisations: string[][]): Promise<void> {
  const file = join(dir, "plan.yaml");
  const plan = loadYaml(readFileSync(file, "utf8")) as RawPlan;
  const [first, last] = [organisations[0]![0]!, organisations.at(-1)![0]!];
  const taken = plan.waves.find((w) => w.context === first)!.mailboxes[0]!.source;
  const target = plan.waves.find((w) => w.context === last)!.mailboxes[0]!;
  target.aliases = [...(target.aliases ?? []), taken];
  writeFileSync(file, dump(plan, { lineWidth: -1 }));
  const t = performance.now();
  const run = await runFamilyGate(family, { root: ROOT });
  const cross = run.result.violations.filter((v) => v.policy === "family-unique-across-shards");
  const blocking = run.result.violations.filter(isBlocking);
  console.log(
    `with ${taken} (context ${first}) also an alias in context ${last}: wall ${s(performance.now() - t)}, ${blocking.length} mandatory findings → ${blocking.length ? "REJECTED" : "PASSED (wrong!)"}`,
  );
  for (const v of cross.slice(0, 3)) console.log(`  ${v.policy}: ${v.message}`);
}

async function main(): Promise<void> {
  const people = Number(process.argv[2] ?? 40_000);
  const shardCount = Number(process.argv[3] ?? 8);
  const family = `bench${process.pid}`;
  console.log(`command: npm run bench -- family ${people} ${shardCount}   (${load()})`);
  const { dir, organisations } = writeInventory(people, shardCount);
  const files = writeStackFiles(family, dir, organisations);
  try {
    const locked = writeFamilyLock(family, ROOT);
    console.log(`family lock: ${locked.lock.mailboxes.length} mailboxes in ${locked.file}`);
    let memory = memorySampler();
    const t = performance.now();
    const one = await runGate(`${family}-s1`, { root: ROOT });
    const oneMs = performance.now() - t;
    const onePeak = memory.stop();
    const floor = await registrationFloor(one.timings.resources);
    const ti = one.timings;
    console.log(
      `one shard (${family}-s1): ${one.result.mailboxes} mailboxes, ${ti.resources} resources, ${one.result.violations.filter(isBlocking).length} mandatory findings`,
    );
    console.log(
      `  wall ${s(oneMs)}: inputs ${s(ti.inputsMs)}, program under mocks ${s(ti.programMs)} (started with the inputs), pack start ${s(ti.packStartMs)} (alongside), Analyze as declared ${s(ti.analyzeAlongsideMs)} (alongside), policy evaluation after the program ${s(ti.policyMs)}; peak memory (with children) ${(onePeak / 2 ** 30).toFixed(2)} GB`,
    );
    const shipped = registrationFloorAsShipped(one.timings.resources);
    const ratios = (ms: number) => `gate / floor = ${(oneMs / ms).toFixed(2)}, program / floor = ${(ti.programMs / ms).toFixed(2)}`;
    console.log(`  SDK floor for ${floor.resources} resources as shipped: ${s(shipped.ms)}; ${ratios(shipped.ms)}`);
    console.log(`  … with the gate's avoidances (no stack trace per resource or per promise): ${s(floor.ms)}; ${ratios(floor.ms)}  (${load()})`);
    memory = memorySampler();
    const run = await runFamilyGate(family, { root: ROOT });
    const familyPeak = memory.stop();
    const blocking = run.result.violations.filter(isBlocking);
    console.log(
      `family ${family}: ${run.shards.length} shards, ${run.result.mailboxes} mailboxes, ${run.concurrency} at a time: wall ${s(run.wallMs)} (family checks ${s(run.familyChecksMs)}), peak memory (with children) ${(familyPeak / 2 ** 30).toFixed(2)} GB, ${blocking.length} mandatory findings → ${blocking.length ? "REJECTED" : "PASSED"}`,
    );
    console.log(`  (${load()})`);
    const sum = (k: "inputsMs" | "programMs" | "packStartMs" | "policyMs") => run.shards.reduce((n, r) => n + r.timings[k], 0);
    console.log(
      `  summed over shards: inputs ${s(sum("inputsMs"))}, program ${s(sum("programMs"))}, pack start ${s(sum("packStartMs"))}, policy ${s(sum("policyMs"))}`,
    );
    for (const v of blocking.slice(0, 5)) console.log(`  ${v.policy}: ${v.message}`);
    if (process.argv[4] !== "no-inject") await injectedDuplicate(family, dir, organisations);
  } finally {
    for (const f of files) rmSync(f, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
