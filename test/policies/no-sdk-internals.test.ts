// The pack runs under the real Pulumi CLI, so it may use only what @pulumi/policy offers its users:
// every reach into SDK internals belongs to the gate's engine (gate/sdk-hooks.ts, docs/engine.md).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const PACK = path.resolve(__dirname, "../../policies");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sources(full);
    return /\.(ts|js)$/.test(e.name) && e.name !== "bundle.js" ? [full] : [];
  });
}

/** What only SDK internals look like: private markers, deep module paths, module caches, prototypes. */
const INTERNALS = [
  /__pulumiType|__getSpecialProxyTarget|__isSpecialProxy/,
  /["']@pulumi\/(policy|pulumi)\/[^"']+["']/,
  /require\.cache/,
  /\.prototype\.\w+\s*=[^=]/,
  /deserializeProperties|unknownCheckingProxy/,
];

describe("the pack's sources", () => {
  it.each(sources(PACK).map((f) => [path.relative(PACK, f), f]))("%s reaches into an SDK internal", (_name, file) => {
    const text = fs.readFileSync(file, "utf8");
    expect(INTERNALS.filter((pattern) => pattern.test(text)).map(String)).toEqual([]);
  });

  it("imports @pulumi/pulumi at run time (only the policy SDK's public entry may run in the pack)", () => {
    const importsAtRunTime = /^import (?!type)[^;]*from "@pulumi\/pulumi"|require\("@pulumi\/pulumi"\)/m;
    const runtimeImports = sources(PACK).filter((f) => importsAtRunTime.test(fs.readFileSync(f, "utf8")));
    expect(runtimeImports.map((f) => path.relative(PACK, f))).toEqual([]);
  });
});
