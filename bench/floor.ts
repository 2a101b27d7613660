// The SDK's registration floor: the time the Pulumi SDK alone needs to register N plain CustomResources
// (inputs of about an OX user's size) under the mock runtime, in a child process exactly as the gate
// runs the program. The gate's program time is compared with it (bench/family.ts).
// Run: npm run bench -- floor [resources=10000]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { runProgram } from "../gate/program-process";

/** A plain-JS program registering `count` resources (no tsx, no components, no applies). */
function floorProgram(): string {
  const sdk = JSON.stringify(require.resolve("@pulumi/pulumi"));
  return `const pulumi = require(${sdk});
const count = new pulumi.Config("floor").requireNumber("count");
for (let i = 0; i < count; i++) {
  const id = "00000000-0000-4000-8000-" + String(i).padStart(12, "0");
  new pulumi.CustomResource("floor:index:Plain", "plain-" + i, {
    contextName: "ctx-" + (i % 8), name: "user" + i, imapLogin: "user" + i, displayName: "Person Number " + i,
    primaryEmail: "person." + i + "@org.example", email1: "person." + i + "@org.example", defaultSenderAddress: "person." + i + "@org.example",
    aliases: ["person." + i + "@org.example", "p" + i + "@org.example"], imapServer: "imap://127.0.0.1:143", smtpServer: "smtp://127.0.0.1:587",
    userAttributes: { "oxmig/mailbox-id": id, "oxmig/owner-id": id, "oxmig/kind": "personal", "oxmig/source-exchange-guid": id, "oxmig/key-name": "key-" + id },
  });
}
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

if (process.argv[1]?.endsWith("floor.ts")) {
  const n = Number(process.argv[2] ?? 10_000);
  registrationFloor(n).then(
    (f) => console.log(`SDK registration floor: ${f.resources} resources in ${(f.ms / 1000).toFixed(2)} s (${((f.ms * 1000) / f.resources).toFixed(0)} µs/resource; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")})`),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
