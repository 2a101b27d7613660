// The pack as `pulumi policy publish` ships it: policies/dist as `npm run build -w policies` makes it
// (the pack bundled, with @oxmig/core inside), `npm pack`ed the way publish does, unpacked into an empty
// folder that holds only its declared dependencies, started the way the Pulumi CLI starts a policy
// pack and judged over the analyzer protocol by the gate's engine.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import { isBuiltin } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TYPES, USER_ATTRIBUTES } from "@oxmig/core/contract";
import { startPolicyPack, type PolicyPackClient } from "../../engine/analyzer-client";
import { openInProcessPack } from "../../engine/in-process-pack";
import type { DeclaredResource, PolicyViolation } from "../../engine/types";
import { runStack, stackConfig, writeInventory } from "../infra/program-harness";
import { policyTempDir } from "./temp-dirs";

const ROOT = path.resolve(__dirname, "../..");
const SOURCE_PACK = path.join(ROOT, "policies");
const DECLARED_DEPENDENCIES = ["@pulumi/policy", "@pulumi/pulumi", "zod"];
const NPM_ENV = { ...process.env, npm_config_update_notifier: "false" };

/** The publish folder, built into a temp folder (not policies/dist: two runs never share it). */
function buildDist(): string {
  const out = path.join(policyTempDir("oxmig-dist-"), "dist");
  execFileSync(process.execPath, [path.join(SOURCE_PACK, "build-dist.cjs"), "--out", out], { stdio: "pipe" });
  return out;
}

/** `npm pack` of `dir` into a new folder: the tarball's path, or the failure's output. */
function npmPack(dir: string): { tarball?: string; output: string } {
  const into = policyTempDir("oxmig-packed-tarball-");
  const run = spawnSync("npm", ["pack", "--pack-destination", into, "--loglevel=error"], { cwd: dir, env: NPM_ENV, encoding: "utf8" });
  const [tarball] = fs.readdirSync(into).filter((f) => f.endsWith(".tgz"));
  return { tarball: run.status === 0 && tarball ? path.join(into, tarball) : undefined, output: `${run.stdout}${run.stderr}` };
}

/** The tarball unpacked into an empty folder, with only its declared dependencies linked from this checkout (no network). */
function unpack(tarball: string): string {
  const into = policyTempDir("oxmig-packed-pack-");
  execFileSync("tar", ["-xzf", tarball, "-C", into]);
  const dir = fs.realpathSync(path.join(into, "package"));
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dir, "node_modules", dep)), { recursive: true });
    fs.symlinkSync(path.join(ROOT, "node_modules", dep), path.join(dir, "node_modules", dep), "dir");
  }
  return dir;
}

/** Every module the pack's own files resolve while it loads: (file, request) → resolved file, or `node:` for builtins. */
function resolutionsWhileLoading(dir: string): { from: string; request: string; resolved: string }[] {
  const recorder = `
    const Module = require("node:module");
    const path = require("node:path");
    const dir = process.argv[1];
    const seen = [];
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, parent, ...rest) {
      const resolved = resolve.call(this, request, parent, ...rest);
      if (parent && parent.filename && parent.filename.startsWith(dir + path.sep)) seen.push({ from: path.relative(dir, parent.filename), request, resolved });
      return resolved;
    };
    process.chdir(dir);
    require(dir);
    process.stdout.write(JSON.stringify(seen));
    process.exit(0);`;
  const run = spawnSync(process.execPath, ["-e", recorder, dir], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`loading the packed pack failed (${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout) as { from: string; request: string; resolved: string }[];
}

const mandatory = (vs: readonly PolicyViolation[]) => vs.filter((v) => v.enforcementLevel === "mandatory");
const findings = (vs: readonly PolicyViolation[]) => vs.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn ?? ""}: ${v.message}`).sort();

async function evaluate(pack: PolicyPackClient, config: Record<string, unknown>, resources: readonly DeclaredResource[]): Promise<PolicyViolation[]> {
  await pack.configure(Object.fromEntries(pack.policies.map((p) => [p.name, config])));
  return [...(await pack.analyze(resources)), ...(await pack.analyzeStack(resources))];
}

/** The plan with one person's mailbox handed to another person (owner id swapped in inputs and outputs). */
function ownerSwapped(resources: readonly DeclaredResource[]): DeclaredResource[] {
  const ownerOf = (r: DeclaredResource) => (r.inputs.userAttributes as Record<string, string> | undefined)?.[USER_ATTRIBUTES.ownerId];
  const [giver, victim] = resources.filter((r) => r.type === TYPES.oxUser && ownerOf(r));
  if (!giver || !victim) throw new Error("the generated plan has fewer than two personal mailboxes");
  const swap = (bag: Record<string, unknown>) => ({ ...bag, userAttributes: { ...(bag.userAttributes as object), [USER_ATTRIBUTES.ownerId]: ownerOf(giver) } });
  return resources.map((r) => (r === victim ? { ...r, inputs: swap(r.inputs), outputs: swap(r.outputs) } : r));
}

describe("the policy pack as published (npm pack of policies/)", () => {
  let packed: string;
  let pack: PolicyPackClient | undefined;
  let good: DeclaredResource[];
  let config: Record<string, unknown>;

  beforeAll(async () => {
    const inventory = writeInventory();
    config = { directory: path.join(inventory, "directory.ldif"), exchange: path.join(inventory, "exchange.csv"), stackKind: "staging" };
    const { tarball, output } = npmPack(buildDist());
    if (!tarball) throw new Error(`npm pack of the built pack failed:\n${output}`);
    packed = unpack(tarball);
    [good, pack] = await Promise.all([runStack("staging", stackConfig(inventory)), startPolicyPack({ packDir: packed })]);
  });
  afterAll(() => pack?.close());

  it("ships TypeScript sources that need the rest of the repository", () => {
    expect(
      fs
        .readdirSync(packed)
        .filter((f) => f !== "node_modules")
        .sort(),
    ).toEqual(["PulumiPolicy.yaml", "index.js", "package.json"]);
  });

  it("lets the source folder be packed, whose package.json needs the workspace package @oxmig/core", () => {
    const source = JSON.parse(fs.readFileSync(path.join(SOURCE_PACK, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(Object.keys(source.dependencies)).toContain("@oxmig/core");
    const { tarball, output } = npmPack(SOURCE_PACK);
    expect(tarball).toBeUndefined();
    expect(output).toContain("npm run build -w policies && cd policies/dist && pulumi policy publish");
  });

  it("declares other registry packages than the pack's own (the Pulumi SDKs, zod), or other versions than this checkout runs", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(packed, "package.json"), "utf8")) as { dependencies: Record<string, string>; main: string };
    expect(Object.keys(manifest.dependencies).sort()).toEqual(DECLARED_DEPENDENCIES);
    for (const dep of DECLARED_DEPENDENCIES) {
      const installed = (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", dep, "package.json"), "utf8")) as { version: string }).version;
      expect(`${dep}@${manifest.dependencies[dep]}`).toBe(`${dep}@${installed.replace(/^v/, "")}`);
    }
    expect(manifest.main).toBe("index.js");
  });

  it("resolves a module outside its own folder other than a declared dependency or a Node builtin", () => {
    const allowed = DECLARED_DEPENDENCIES.map((dep) => fs.realpathSync(path.join(packed, "node_modules", dep)) + path.sep);
    const resolutions = resolutionsWhileLoading(packed);
    expect(resolutions.map((r) => r.from)).toContain("index.js");
    const inside = (file: string) => file.startsWith(packed + path.sep) || allowed.some((a) => file.startsWith(a));
    const outside = resolutions.filter((r) => !isBuiltin(r.resolved) && !inside(r.resolved));
    expect(outside).toEqual([]);
    expect(fs.readFileSync(path.join(packed, "index.js"), "utf8")).not.toMatch(/require\("(\.\.\/|@oxmig\/)/);
  });

  it("started as the CLI starts a pack, lets a plan pass that binds a mailbox to the wrong person", async () => {
    expect(pack!.name).toBe("oxmig-bindings");
    const violations = mandatory(await evaluate(pack!, config, ownerSwapped(good)));
    expect(violations.map((v) => v.policyName)).toEqual(expect.arrayContaining(["owner-in-directory", "addresses-belong-to-owner", "source-belongs-to-owner"]));
  });

  it("started as the CLI starts a pack, rejects the plan the program declares for a correct inventory", async () => {
    expect(mandatory(await evaluate(pack!, config, good))).toEqual([]);
  });

  it("finds otherwise in the gate's process (the engine's hints reach the bundled pack) than as the CLI runs it", async () => {
    const inGate = await openInProcessPack(packed);
    try {
      for (const plan of [good, ownerSwapped(good)]) {
        expect(findings(await evaluate(inGate, config, plan))).toEqual(findings(await evaluate(pack!, config, plan)));
      }
    } finally {
      inGate.close();
    }
  });
});
