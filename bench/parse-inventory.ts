// Parses a 40,000-person generated inventory: how long the three parsers take at production scale.
// Run: node bin/run-ts.cjs bench/parse-inventory.ts [people]
import { performance } from "node:perf_hooks";
import { resolveBindings } from "@oxmig/core/bindings";
import { parseDirectory } from "@oxmig/core/directory";
import { parseExchange } from "@oxmig/core/exchange";
import { generate } from "@oxmig/core/generate";
import type { Inventory } from "@oxmig/core/model";
import { parsePlan } from "@oxmig/core/plan";

const RUNS = 5;
const people = Number(process.argv[2] ?? 40_000);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median wall time of `RUNS` runs, and the last result. */
function time<T>(run: () => T): { ms: number; result: T } {
  const samples: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    result = run();
    samples.push(performance.now() - start);
  }
  return { ms: median(samples), result: result! };
}

const generateStart = performance.now();
const generated = generate({ people, seed: 1 });
const generateMs = performance.now() - generateStart;
const files = { directory: "directory.ldif", exchange: "exchange.csv", plan: "plan.yaml" };
const directory = time(() => parseDirectory(generated.directoryLdif, files.directory));
const exchange = time(() => parseExchange(generated.exchangeCsv, files.exchange));
const plan = time(() => parsePlan(generated.planYaml, files.plan));
const inventory: Inventory = { files, people: directory.result, sources: exchange.result, plan: plan.result };
const bindings = time(() => resolveBindings(inventory));

const mb = (text: string) => (Buffer.byteLength(text) / 1e6).toFixed(1);
const row = (name: string, ms: number, detail: string) => console.log(`${name.padEnd(16)} ${ms.toFixed(0).padStart(6)} ms  ${detail}`);
console.log(`command: node bin/run-ts.cjs bench/parse-inventory.ts ${people}   (median of ${RUNS} runs, node ${process.version})`);
row("generate (1 run)", generateMs, `${generated.summary.people} people, ${generated.summary.mailboxes} mailboxes, ${generated.summary.waves} waves`);
row("parseDirectory", directory.ms, `${mb(generated.directoryLdif)} MB, ${directory.result.length} people`);
row("parseExchange", exchange.ms, `${mb(generated.exchangeCsv)} MB, ${exchange.result.length} mailboxes`);
row("parsePlan", plan.ms, `${mb(generated.planYaml)} MB, ${plan.result.waves.length} waves`);
row("resolveBindings", bindings.ms, `${bindings.result.length} bindings`);
