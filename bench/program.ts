// Times registering the Pulumi program under the mock runtime: the staging stack and a generated
// 5,000-mailbox shard. Each run is its own process (the runtime is a singleton); median of 3,
// peak RSS from the child's process.resourceUsage().maxRSS.
// Run: node bin/run-ts.cjs bench/program.ts [shardMailboxes=5000]
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generate } from "@oxmig/core/generate";
import { runProgramUnderMocks } from "../engine/run-program";

const ROOT = resolve(__dirname, "..");
const RUNS = 3;
const HEAP_MB = 6144;
const CHILD_FLAGS = ["--stack-trace-limit=0", `--max-old-space-size=${HEAP_MB}`];

interface RunFigures {
  readonly ms: number;
  readonly maxRssMb: number;
  readonly resources: number;
  readonly mailboxes: number;
}

function config(inventory: string, extra: Record<string, string> = {}): Record<string, string> {
  const values = {
    inventory,
    oxEndpoint: "http://127.0.0.1:8009",
    imapServer: "imap://127.0.0.1:143",
    smtpServer: "smtp://127.0.0.1:587",
    sourceImapHost: "exchange.land.example",
    oxAdminPassword: "bench-only",
    ...extra,
  };
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`oxmig:${k}`, v]));
}

/** Child mode: one program run in this process, figures as JSON on stdout. */
async function child(inventory: string, stack: string): Promise<void> {
  const start = performance.now();
  const resources = await runProgramUnderMocks({
    programModule: join(ROOT, "infra/index.ts"),
    project: "oxmig",
    stack,
    config: config(inventory),
    secretKeys: ["oxmig:oxAdminPassword"],
  });
  const ms = performance.now() - start;
  const stackOutputs = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs ?? {};
  const figures: RunFigures = {
    ms,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    resources: resources.length,
    mailboxes: Number(stackOutputs["mailboxCount"]),
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

function runOnce(inventory: string, stack: string): RunFigures {
  const out = execFileSync(process.execPath, [...CHILD_FLAGS, join(ROOT, "bin/run-ts.cjs"), __filename, "--child", inventory, stack], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split("\n").at(-1)!) as RunFigures;
}

function measure(label: string, inventory: string, stack: string): void {
  const runs = Array.from({ length: RUNS }, () => runOnce(inventory, stack));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ms = median(runs.map((r) => r.ms));
  const { resources, mailboxes } = runs[0]!;
  console.log(
    `${label.padEnd(28)} ${String(mailboxes).padStart(6)} mailboxes ${String(resources).padStart(6)} resources  ` +
      `median ${(ms / 1000).toFixed(2)} s (${((ms * 1000) / resources).toFixed(0)} µs/resource)  peak RSS ${Math.max(...runs.map((r) => r.maxRssMb)).toFixed(0)} MB  ` +
      `runs ${runs.map((r) => (r.ms / 1000).toFixed(2)).join(" / ")} s`,
  );
}

/** A generated inventory with about `mailboxes` planned mailboxes (people plus functional ones). */
function writeShard(mailboxes: number): string {
  const dir = mkdtempSync(join(tmpdir(), "oxmig-bench-"));
  const inv = generate({ people: Math.round(mailboxes * 0.97), seed: 42 });
  writeFileSync(join(dir, "directory.ldif"), inv.directoryLdif);
  writeFileSync(join(dir, "exchange.csv"), inv.exchangeCsv);
  writeFileSync(join(dir, "plan.yaml"), inv.planYaml);
  return dir;
}

function main(): void {
  const shardSize = Number(process.argv[2] ?? 5000);
  console.log(`command: node bin/run-ts.cjs bench/program.ts ${shardSize}   (each run: node ${CHILD_FLAGS.join(" ")}, ${RUNS} runs, median)`);
  measure("staging (inventory/staging)", join(ROOT, "inventory/staging"), "staging");
  const shard = writeShard(shardSize);
  try {
    measure(`generated shard (~${shardSize})`, shard, "prod-shard");
  } finally {
    rmSync(shard, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") {
  child(process.argv[3]!, process.argv[4]!).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
} else {
  main();
}
