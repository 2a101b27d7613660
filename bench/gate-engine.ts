// Measures the gate engine: program run under mocks (stack-trace limit 0 vs Node's default),
// policy pack start (tsx vs the CLI's entry), Analyze and AnalyzeStack per 1k resources.
// Run: node bin/run-ts.cjs bench/gate-engine.ts [resourcePairs=500]
import * as path from "node:path";
import { startPolicyPack } from "../engine/analyzer-client";
import { runProgram } from "../engine/program-process";
import type { DeclaredResource } from "../engine/types";

const FIXTURES = path.resolve(__dirname, "../test/fixtures/engine");
const PACK = path.join(FIXTURES, "pack");
const pairs = Number(process.argv[2] ?? 500);

async function timed<T>(label: string, fn: () => Promise<T>, per1k?: number): Promise<T> {
  const t = performance.now();
  const result = await fn();
  const ms = performance.now() - t;
  const scaled = per1k ? `  (${((ms * 1000) / per1k).toFixed(0)} ms per 1k resources)` : "";
  console.log(`${label.padEnd(52)} ${ms.toFixed(0).padStart(7)} ms${scaled}`);
  return result;
}

/** Copies of the declared resources under fresh URNs, to reach large counts without rerunning the program. */
function scaled(resources: readonly DeclaredResource[], times: number): DeclaredResource[] {
  return Array.from({ length: times }, (_, i) => resources.map((r) => ({ ...r, urn: `${r.urn}-${i}`, name: `${r.name}-${i}` }))).flat();
}

async function main(): Promise<void> {
  const job = { programModule: path.join(FIXTURES, "program/many.ts"), project: "gatebench", stack: "bench", config: { "gatebench:count": String(pairs) } };
  const n = pairs * 2 + 2;
  await timed(`program, ${n} resources, default stack traces`, () => runProgram({ ...job, stackTraceLimit: 10 }), n);
  const resources = await timed(`program, ${n} resources, --stack-trace-limit=0`, () => runProgram({ ...job, stackTraceLimit: 0 }), n);
  for (const loader of ["cli", "tsx"] as const) {
    const pack = await startPolicyPack({ packDir: PACK, loader });
    console.log(`${`pack start (${loader})`.padEnd(52)} ${pack.startMs.toFixed(0).padStart(7)} ms`);
    pack.close();
  }
  const pack = await startPolicyPack({ packDir: PACK });
  try {
    await pack.configure({ "fixture-context-label": { expectedContext: "ctx-a" } });
    for (const c of [1, 16, 64])
      await timed(`analyze ${resources.length}, concurrency ${c}`, () => pack.analyze(resources, { concurrency: c }), resources.length);
    await timed(`analyzeStack ${resources.length}`, () => pack.analyzeStack(resources), resources.length);
    const big = scaled(resources, Math.ceil(10_000 / resources.length));
    await timed(`analyze ${big.length}, concurrency 16`, () => pack.analyze(big, { concurrency: 16 }), big.length);
    await timed(`analyzeStack ${big.length}`, () => pack.analyzeStack(big), big.length);
  } finally {
    pack.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
