// `npm run bench -- [name] [args…]`: runs one benchmark in its own process (default: gate).
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..");
const BENCHES: Record<string, { file: string; about: string }> = {
  gate: { file: "gate.ts", about: "the gate's time split and peak memory: staging and a generated 5,000-mailbox shard" },
  program: { file: "program.ts", about: "the program under mocks: staging and a generated shard" },
  parse: { file: "parse-inventory.ts", about: "parsing a 40,000-person inventory" },
  rehearsal: { file: "rehearsal.ts", about: "seed, migrate and verify on real Dovecots" },
  engine: { file: "gate-engine.ts", about: "the gate engine on fixture resources (analyze per 1k resources)" },
  family: { file: "family.ts", about: "the family gate on a generated 40,000-person inventory in 8 shards, with the SDK floor" },
  floor: { file: "floor.ts", about: "the SDK's registration floor: N plain resources under mocks" },
};

const [name = "gate", ...rest] = process.argv.slice(2);
const bench = BENCHES[name];
if (!bench) {
  console.error(`unknown benchmark "${name}"; choose one of:\n${Object.entries(BENCHES).map(([n, b]) => `  ${n.padEnd(10)} ${b.about}`).join("\n")}`);
  process.exitCode = 2;
} else {
  const run = spawnSync(process.execPath, [join(ROOT, "bin", "run-ts.cjs"), join(__dirname, bench.file), ...rest], { stdio: "inherit" });
  process.exitCode = run.status ?? 1;
}
