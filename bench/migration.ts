// Parallel per-mailbox migration on real Dovecots: the copying wave's rendered migrate.sh, one run per
// Job index, with 1, 2 and 4 workers (the Indexed Job's parallelism), against the single-loop Job's way
// (one shell running every pair one after another), in one run over the same seeded source.
// Usage: node bin/run-ts.cjs bench/migration.ts [--full] [--mailboxes N] [--messages N] [--runs N]
//   default: 8 mailboxes × 60 messages (≈ 80 MB), 3 runs; --full: 8 × 500 = 4,000 messages (≈ 0.7 GB).
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { doveadmCommands } from "@oxmig/core/lifecycle";
import { endpointsOf } from "../rehearsal/verification/endpoints";
import { allIndexes, runIndexes, type IndexRun } from "../rehearsal/migration/indexed-run";
import { newRunSecret } from "../rehearsal/migration/keys";
import { messagesOnTarget } from "../rehearsal/lifecycle/run";
import { deliverLmtp } from "../rehearsal/dovecot/lmtp";
import { rehearsalPaths, writeIndexedScript } from "../rehearsal/migration/migrate";
import { pairingsFor, startRehearsal } from "../rehearsal/rehearse";
import { mkdtempOwned } from "../rehearsal/dovecot/run-as";
import { tinyBindings, tinyEvidence } from "../test/rehearsal/fixture-bindings";
import { corpusMessage, seededRandom } from "./mail-corpus";

const MODES = ["single loop", "1 worker", "2 workers", "4 workers"] as const;
type Mode = (typeof MODES)[number];

function options(argv: readonly string[]): { mailboxes: number; messages: number; runs: number } {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? Number(argv[at + 1]) : undefined;
  };
  const full = argv.includes("--full");
  return { mailboxes: value("--mailboxes") ?? 8, messages: value("--messages") ?? (full ? 500 : 60), runs: value("--runs") ?? 3 };
}

/** The single-loop Job's way: one shell runs the script for every index, one after another. */
function singleLoop(script: string, count: number): Promise<IndexRun> {
  const loop = `i=0; failed=0; while [ "$i" -lt ${count} ]; do JOB_COMPLETION_INDEX=$i /bin/sh '${script}' || failed=1; i=$((i + 1)); done; exit $failed`;
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", loop], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("close", (exitCode, signal) => resolve({ index: -1, exitCode, signal, stdout: "", stderr, ms: performance.now() - started }));
  });
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const { mailboxes, messages, runs } = options(process.argv.slice(2));
  const root = mkdtempOwned("oxmig-bench-migration-");
  const bindings = tinyBindings(mailboxes, join(root, "target", "vmail"));
  const rehearsal = await startRehearsal({ bindings, root, runSecret: newRunSecret(), evidence: tinyEvidence(bindings) });
  let failures = 0;
  try {
    // Seed: the same sizes every time (seeded), delivered over LMTP in chunks.
    const random = seededRandom(15);
    let bytes = 0;
    const seedStarted = performance.now();
    for (let n = 1; n <= messages; n += 25) {
      const chunk = bindings.flatMap((b) =>
        Array.from({ length: Math.min(25, messages - n + 1) }, (_, k) => {
          const m = corpusMessage(b.source.exchangeGuid, b.source.login, n + k, random);
          bytes += m.bytes;
          return { recipient: b.source.login, raw: m.raw };
        }),
      );
      const refused = (await deliverLmtp(endpointsOf(rehearsal.source).lmtp, chunk, 4)).filter((o) => !o.ok);
      if (refused.length) throw new Error(`seeding refused ${refused.length} message(s): ${refused[0]!.reply}`);
    }
    const total = mailboxes * messages;
    const mb = bytes / 1e6;
    console.log(
      `seeded ${total} messages, ${mb.toFixed(1)} MB in ${mailboxes} mailboxes (${((performance.now() - seedStarted) / 1000).toFixed(1)} s); ${runs} run(s) per mode, each into an empty target`,
    );

    const paths = rehearsalPaths(rehearsal.source, rehearsal.target);
    const commands = doveadmCommands("copying", pairingsFor(bindings), paths);
    const script = writeIndexedScript(rehearsal.target.dir, "copying", commands);
    const samples = new Map<Mode, number[]>(MODES.map((m) => [m, []]));
    for (let run = 1; run <= runs; run++) {
      for (const mode of MODES) {
        // An empty target each time: every mode copies the whole wave, keys and all.
        for (const b of bindings) rmSync(b.home, { recursive: true, force: true });
        for (const c of commands) rmSync(c.stateFile, { force: true });
        const started = performance.now();
        const results =
          mode === "single loop" ? [await singleLoop(script, commands.length)] : await runIndexes(script, allIndexes(commands.length), Number(mode[0]));
        const ms = performance.now() - started;
        const copied = messagesOnTarget(bindings);
        const failed = results.filter((r) => r.exitCode !== 0);
        if (failed.length || copied !== total) {
          failures++;
          console.log(
            `  run ${run} ${mode}: FAILED (${failed.length} index(es) failed, ${copied} of ${total} messages on the target) ${failed[0]?.stderr.slice(0, 300) ?? ""}`,
          );
        }
        samples.get(mode)!.push(ms);
        console.log(`  run ${run} ${mode.padEnd(11)} ${(ms / 1000).toFixed(1).padStart(6)} s`);
      }
    }
    const loop = median(samples.get("single loop")!);
    console.log(`\nmedian of ${runs} run(s), ${total} messages, ${mb.toFixed(1)} MB, ${mailboxes} mailboxes:`);
    console.log("  mode         wall s   msg/s    MB/s   vs single loop");
    for (const mode of MODES) {
      const ms = median(samples.get(mode)!);
      console.log(
        `  ${mode.padEnd(11)} ${(ms / 1000).toFixed(1).padStart(7)} ${(total / (ms / 1000)).toFixed(0).padStart(7)} ${(mb / (ms / 1000)).toFixed(1).padStart(7)}   ${(loop / ms).toFixed(2)}×`,
      );
    }
  } finally {
    await rehearsal.stop();
    rmSync(root, { recursive: true, force: true });
  }
  process.exitCode = failures ? 1 : 0;
}

void main();
