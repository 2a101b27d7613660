// The SDK's registration floor: the time the Pulumi SDK alone needs to register N plain CustomResources
// (inputs of about an OX user's size) under the mock runtime, two ways:
// - as shipped: plain `node`, the SDK's defaults (a stack trace per resource for its source position,
//   a captured stack and a leak-candidate entry per internal promise);
// - with the gate's avoidances: in a child process exactly as the gate runs the program (both of those
//   switched off, --stack-trace-limit=0), so the ratio shows what the gate adds beyond the SDK.
// `npm run bench -- floor` also runs the as-shipped script with each of the two avoided alone.
// Run: npm run bench -- floor [resources=10000]
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { runProgram } from "../engine/program-process";

const SDK = JSON.stringify(require.resolve("@pulumi/pulumi"));

/** Registers `count` plain resources (JS source; expects `pulumi` and `count` in scope). */
const REGISTER_PLAIN = `for (let i = 0; i < count; i++) {
  const id = "00000000-0000-4000-8000-" + String(i).padStart(12, "0");
  new pulumi.CustomResource("floor:index:Plain", "plain-" + i, {
    contextName: "ctx-" + (i % 8), name: "user" + i, imapLogin: "user" + i, displayName: "Person Number " + i,
    primaryEmail: "person." + i + "@org.example", email1: "person." + i + "@org.example", defaultSenderAddress: "person." + i + "@org.example",
    aliases: ["person." + i + "@org.example", "p" + i + "@org.example"], imapServer: "imap://127.0.0.1:143", smtpServer: "smtp://127.0.0.1:587",
    userAttributes: { "oxmig/mailbox-id": id, "oxmig/owner-id": id, "oxmig/kind": "personal", "oxmig/source-exchange-guid": id, "oxmig/key-name": "key-" + id },
  });
}`;

/** A plain-JS program for the gate's program runner (no tsx, no components, no applies). */
function floorProgram(): string {
  return `const pulumi = require(${SDK});
const count = new pulumi.Config("floor").requireNumber("count");
${REGISTER_PLAIN}
`;
}

/** One of the SDK's per-resource costs the gate avoids, switched off alone in the as-shipped script. */
export type Avoidance = "source-positions" | "promise-leak-tracking";

/** A stand-alone script: the SDK as shipped under its mock runtime, printing its own wall time. */
function asShippedScript(): string {
  return `const started = performance.now();
const pulumi = require(${SDK});
const count = Number(process.argv[2]);
const avoid = process.argv.slice(3);
if (avoid.includes("source-positions")) pulumi.Resource.callsites = () => [];
if (avoid.includes("promise-leak-tracking")) require(${JSON.stringify(require.resolve("@pulumi/pulumi/runtime/debuggable"))}).debuggablePromise = (p) => p;
pulumi.runtime
  .setMocks({ newResource: (a) => ({ id: a.name + "-id", state: a.inputs }), call: (a) => a.inputs }, "floor", "floor", false)
  .then(() => pulumi.runtime.runInPulumiStack(async () => {
${REGISTER_PLAIN}
  }))
  .then(() => require(${JSON.stringify(require.resolve("@pulumi/pulumi/runtime/settings"))}).waitForRPCs())
  .then(() => console.log(JSON.stringify({ ms: performance.now() - started })));
`;
}

export interface FloorFigures {
  readonly resources: number;
  readonly ms: number;
}

/** Wall time of one child run registering `resources` plain resources (as runProgram measures the gate's program). */
export async function registrationFloor(resources: number): Promise<FloorFigures> {
  const dir = mkdtempSync(join(tmpdir(), "oxmig-floor-"));
  const programModule = join(dir, "floor-program.js");
  writeFileSync(programModule, floorProgram());
  try {
    const started = performance.now();
    const declared = await runProgram({ programModule, project: "floor", stack: "floor", config: { "floor:count": String(resources) }, maxOldSpaceMb: 6144 });
    return { resources: declared.length, ms: performance.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Wall time of the SDK as shipped registering `resources` plain resources (plain node, default flags), optionally with one cost avoided. */
export function registrationFloorAsShipped(resources: number, avoid: readonly Avoidance[] = []): FloorFigures {
  const dir = mkdtempSync(join(tmpdir(), "oxmig-floor-"));
  const script = join(dir, "as-shipped.js");
  writeFileSync(script, asShippedScript());
  try {
    const out = execFileSync(process.execPath, [script, String(resources), ...avoid], { encoding: "utf8", maxBuffer: 1 << 20 });
    return { resources, ms: (JSON.parse(out.trim().split("\n").at(-1)!) as { ms: number }).ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const perResource = (f: FloorFigures) => `${((f.ms * 1000) / f.resources).toFixed(0)} µs/resource`;

if (process.argv[1]?.endsWith("floor.ts")) {
  const n = Number(process.argv[2] ?? 10_000);
  registrationFloor(n).then(
    (f) => {
      const shipped = registrationFloorAsShipped(n);
      console.log(
        `SDK registration floor for ${n} resources: as shipped ${(shipped.ms / 1000).toFixed(2)} s (${perResource(shipped)}); with the gate's avoidances ${(f.ms / 1000).toFixed(2)} s (${perResource(f)})`,
      );
      for (const avoid of ["source-positions", "promise-leak-tracking"] as const) {
        const one = registrationFloorAsShipped(n, [avoid]);
        console.log(`  as shipped but without ${avoid}: ${(one.ms / 1000).toFixed(2)} s (${perResource(one)})`);
      }
      console.log(
        `  load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(" ")}`,
      );
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
