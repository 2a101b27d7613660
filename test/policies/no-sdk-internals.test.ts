// The pack runs under the real Pulumi CLI, so it may use only what @pulumi/policy offers its users:
// every reach into SDK internals belongs to the gate's engine (engine/sdk-hooks.ts, docs/engine.md).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { internalsIn, sourceFiles as sources } from "../support/sdk-internals";

const PACK = path.resolve(__dirname, "../../policies");

describe("the pack's sources", () => {
  it.each(sources(PACK).map((f) => [path.relative(PACK, f), f]))("%s reaches into an SDK internal", (_name, file) => {
    expect(internalsIn(file)).toEqual([]);
  });

  it("imports @pulumi/pulumi at run time (only the policy SDK's public entry may run in the pack)", () => {
    const importsAtRunTime = /^import (?!type)[^;]*from "@pulumi\/pulumi"|require\("@pulumi\/pulumi"\)/m;
    const runtimeImports = sources(PACK).filter((f) => importsAtRunTime.test(fs.readFileSync(f, "utf8")));
    expect(runtimeImports.map((f) => path.relative(PACK, f))).toEqual([]);
  });
});
