// Top self-time functions of V8 CPU profiles (what OXMIG_CPU_PROF=<dir> makes the gate's children write).
// Run: node bin/run-ts.cjs bench/profile-summary.ts <file.cpuprofile|dir> [top=25]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

interface ProfileNode {
  readonly id: number;
  readonly children?: readonly number[];
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function frameName(n: ProfileNode): string {
  const url = n.callFrame.url.replace(/^file:\/\//, "").replace(/.*node_modules\//, "~/");
  return `${n.callFrame.functionName || "(anonymous)"} ${url ? `${url.split("/").slice(-3).join("/")}:${n.callFrame.lineNumber + 1}` : ""}`;
}

function summarise(file: string, top: number): void {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const name = frameName(byId.get(id)!);
    self.set(name, (self.get(name) ?? 0) + us);
  });
  console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled; self time:`);
  print(self, total, top);
  console.log("  inclusive time (each function once per sample):");
  print(inclusive(profile, byId), total, top);
}

function print(times: ReadonlyMap<string, number>, total: number, top: number): void {
  for (const [name, us] of [...times].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
  }
}

/** Time of every function including its callees, from the sampled call tree. */
function inclusive(profile: Profile, byId: ReadonlyMap<number, ProfileNode>): Map<string, number> {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const times = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = frameName(byId.get(at)!);
      if (seen.has(name)) continue;
      seen.add(name);
      times.set(name, (times.get(name) ?? 0) + us);
    }
  });
  return times;
}

const [target, topArg] = process.argv.slice(2);
if (!target) {
  console.error("usage: bench/profile-summary.ts <file.cpuprofile|dir> [top]");
  process.exitCode = 2;
} else {
  const files = statSync(target).isDirectory()
    ? readdirSync(target)
        .filter((f) => f.endsWith(".cpuprofile"))
        .map((f) => join(target, f))
    : [target];
  for (const f of files) summarise(f, Number(topArg ?? 25));
}
