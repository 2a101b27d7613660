// How fast the CLI answers: medians of wall times, each command started afresh as a user starts it.
// Usage: npm run bench -- cli [runs=5]
// Measures `node bin/oxmig.cjs --help`, `npx oxmig --help`, `npx oxmig bindings --stack staging` and
// `npm start` (the staging gate) from the compiled build (rebuilt first, and again whenever a source
// changes between runs), then the same with the sources through tsx (the fallback when build/ is
// stale), and the floors the CLI cannot go below: Node's start, npx's and npm's own cost.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { build, dir, freshBuildDir } from "../bin/build.cjs";

const ROOT = resolve(__dirname, "..");
const runs = Number(process.argv[2] ?? 5);

type Mode = "build" | "sources";

interface Case {
  readonly name: string;
  readonly command: readonly string[];
  /** The target in ms, where the issue sets one. */
  readonly target?: number;
  readonly modes: readonly Mode[];
  /** Expected exit status (the gate exits 1 on a mandatory finding, which is still an answer). */
  readonly ok?: readonly number[];
}

const CASES: readonly Case[] = [
  { name: "node bin/oxmig.cjs --help", command: ["node", "bin/oxmig.cjs", "--help"], target: 300, modes: ["build", "sources"] },
  { name: "npx oxmig --help", command: ["npx", "oxmig", "--help"], target: 600, modes: ["build", "sources"] },
  { name: "npx oxmig bindings --stack staging", command: ["npx", "oxmig", "bindings", "--stack", "staging"], target: 1000, modes: ["build", "sources"] },
  { name: "npm start (gate --stack staging)", command: ["npm", "start"], target: 3000, modes: ["build", "sources"], ok: [0, 1] },
  // Floors: what the machine and the package manager cost before any of our code runs.
  { name: "node -e 0 (Node's start)", command: ["node", "-e", "0"], modes: ["build"] },
  { name: "npx -c true (npx, local tree read)", command: ["npx", "-c", "true"], modes: ["build"] },
  { name: "npm run env (npm's own start)", command: ["npm", "run", "env", "--silent"], modes: ["build"] },
];

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function prepare(mode: Mode): Promise<void> {
  if (mode === "sources") {
    rmSync(join(dir, "stamp.json"), { force: true }); // stale: bin/oxmig.cjs runs the sources
    return;
  }
  if (!freshBuildDir()) await build();
}

async function measure(c: Case, mode: Mode): Promise<number[]> {
  const times: number[] = [];
  let retries = 0;
  for (let i = 0; i < runs; i++) {
    await prepare(mode);
    const [cmd, ...args] = c.command as [string, ...string[]];
    const started = performance.now();
    const run = spawnSync(cmd, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
    const ms = performance.now() - started;
    if (!(c.ok ?? [0]).includes(run.status ?? -1)) throw new Error(`${c.name} exited ${run.status}: ${run.stderr}`);
    // A source edited during the run (another session at work) would have sent it to the sources.
    if (mode === "build" && !freshBuildDir()) {
      if (++retries > 3 * runs) throw new Error("the sources keep changing: no run of the build could be measured");
      i--;
      continue;
    }
    times.push(ms);
  }
  return times;
}

async function main(): Promise<void> {
  console.log(
    `CLI start-up, medians of ${runs} runs; load average at start ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on this machine`,
  );
  const medians = new Map<string, number>();
  for (const mode of ["build", "sources"] as const) {
    for (const c of CASES.filter((x) => x.modes.includes(mode))) {
      const times = await measure(c, mode);
      const m = Math.round(median(times));
      medians.set(`${mode} ${c.name}`, m);
      const verdict =
        c.target === undefined ? "" : mode === "build" ? (m < c.target ? `target < ${c.target} ms: met` : `target < ${c.target} ms: NOT met`) : "";
      const row = `${mode.padEnd(8)} ${c.name.padEnd(40)} ${String(m).padStart(6)} ms  (${times.map((t) => Math.round(t)).join(", ")})  ${verdict}`;
      console.log(row);
    }
  }
  const npxOwn = medians.get("build npx oxmig --help")! - medians.get("build node bin/oxmig.cjs --help")!;
  console.log(`npx's own cost for the project's bin (npx oxmig --help − node bin/oxmig.cjs --help): ${npxOwn} ms`);
  await build(); // leave a fresh build behind
  console.log(
    `load average at end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
