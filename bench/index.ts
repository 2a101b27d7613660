// `npm run bench -- [name] [args…]`: runs one benchmark in its own process (default: a quick gate run).
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..");
const BENCHES: Record<string, { file: string; about: string }> = {
  gate: { file: "gate.ts", about: "[mailboxes=5000] [runs=3] the gate's time split and peak memory: staging and a generated shard" },
  program: { file: "program.ts", about: "the program under mocks: staging and a generated shard" },
  parse: { file: "parse-inventory.ts", about: "parsing a 40,000-person inventory" },
  rehearsal: { file: "rehearsal.ts", about: "seed, migrate and verify on real Dovecots" },
  "incident-drill": {
    file: "incident-drill.ts",
    about: "[waves=all|N] [runs=1] [messages=3] the incident drill (rehearse --incident-drill) on staging: time, mailboxes, messages",
  },
  migration: {
    file: "migration.ts",
    about:
      "[--full] [--mailboxes N] [--messages N] [--runs N] the Indexed Job's per-mailbox runs on real Dovecots: 1, 2, 4 workers against the single-loop Job",
  },
  engine: { file: "gate-engine.ts", about: "the gate engine on fixture resources (analyze per 1k resources)" },
  family: {
    file: "family.ts",
    about: "[people=40000] [shards=8] [no-inject] the family gate on a generated inventory, with the SDK floor, then with a cross-shard duplicate",
  },
  floor: { file: "floor.ts", about: "[resources=10000] the SDK's registration floor: N plain resources under mocks" },
  cli: { file: "cli-startup.ts", about: "[runs=5] how fast the CLI answers: --help, bindings and npm start, from the build and through tsx, medians" },
  profile: {
    file: "profile-summary.ts",
    about: "<file|dir> [top=25] top functions of CPU profiles (OXMIG_CPU_PROF=<dir> makes the gate's children write them)",
  },
};

/** `npm run bench` alone: the gate split once on staging and a 1,000-mailbox shard (about a minute). */
const QUICK = ["gate", "1000", "1"];

const [name, ...rest] = process.argv.length > 2 ? process.argv.slice(2) : QUICK;
const bench = BENCHES[name ?? ""];
if (!bench) {
  console.error(
    `unknown benchmark "${name}"; choose one of:\n${Object.entries(BENCHES)
      .map(([n, b]) => `  ${n.padEnd(10)} ${b.about}`)
      .join("\n")}`,
  );
  process.exitCode = 2;
} else {
  const run = spawnSync(process.execPath, [join(ROOT, "bin", "run-ts.cjs"), join(__dirname, bench.file), ...rest], { stdio: "inherit" });
  process.exitCode = run.status ?? 1;
}
