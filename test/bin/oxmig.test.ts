// bin/oxmig.cjs: the compiled build while it is fresh, the sources through tsx otherwise; and
// whichever runs, a command loads only what it needs (no Pulumi SDK for --help or bindings).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { projectBuild, SOURCE_DIRS } from "../../bin/build.cjs";
import { ROOT, tempProject, type TempProject } from "./support/temp-project";

/** The environment of a plain shell: no loader flags of the test runner. */
function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _options, ...env } = process.env;
  return { ...env, ...extra };
}

describe("bin/oxmig.cjs picks what it runs", () => {
  // The project's main says which way it was loaded: tsx registers a loader for .ts, the build needs none.
  const MAIN =
    'export async function main(argv: string[]): Promise<number> {\n  process.stdout.write(`${require.extensions[".ts"] ? "sources" : "build"} ${argv.slice(2).join(" ")}`);\n  return 0;\n}\n';
  // A project of its own for each test: one builds it, the other needs it never built.
  let project: TempProject;
  beforeEach(() => {
    project = tempProject({ "cli/main.ts": MAIN, "core/other.ts": "export const other = 1;\n" });
  });
  afterEach(() => project.remove());

  const run = () => spawnSync(process.execPath, [path.join(project.root, "bin/oxmig.cjs"), "bindings", "--stack", "x"], { encoding: "utf8", env: plainEnv() });

  it("runs the sources through tsx when there is no build", () => {
    const result = run();
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("sources bindings --stack x");
  });

  it("runs the build when it is fresh, and the sources again as soon as one is edited", async () => {
    await projectBuild(project.root).build();
    expect(run().stdout).toBe("build bindings --stack x");
    project.touch("core/other.ts");
    expect(run().stdout).toBe("sources bindings --stack x");
    await projectBuild(project.root).build();
    expect(run().stdout).toBe("build bindings --stack x");
  });
});

describe("the checkout's commands through tsx and from the build", () => {
  // A copy of the sources and the staging stack: its build is made and made stale here alone.
  let project: TempProject;
  beforeAll(() => {
    project = tempProject({}, [...SOURCE_DIRS, "Pulumi.yaml", "Pulumi.staging.yaml", "inventory/staging"]);
  });
  afterAll(() => project.remove());

  const oxmig = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(project.root, "bin/oxmig.cjs"), ...args], { cwd: project.root, encoding: "utf8", env: plainEnv() });

  it("answer the same: a command's implementation loads either way", async () => {
    const build = projectBuild(project.root);
    expect(build.freshBuildDir()).toBeUndefined();
    const [bindings, check] = [oxmig("bindings", "--stack", "staging", "--format", "json"), oxmig("lock", "--stack", "staging", "--check")];
    expect(bindings.stderr).toBe("");
    expect(JSON.parse(bindings.stdout).length).toBeGreaterThan(250);
    expect(check.status).toBe(0);
    await build.build();
    expect(build.freshBuildDir()).toBeDefined();
    expect(oxmig("bindings", "--stack", "staging", "--format", "json").stdout).toBe(bindings.stdout);
    expect(oxmig("lock", "--stack", "staging", "--check").stdout).toBe(check.stdout);
  });
});

describe("oxmig loads a command's implementation only when it runs", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "oxmig-loaded-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs the CLI of this checkout (build or sources, whichever it picks) and lists the modules it loaded. */
  function oxmig(...args: string[]) {
    const list = path.join(dir, "loaded.json");
    fs.rmSync(list, { force: true });
    const result = spawnSync(process.execPath, ["--require", path.join(__dirname, "support/print-loaded.cjs"), path.join(ROOT, "bin/oxmig.cjs"), ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: plainEnv({ OXMIG_LOADED_MODULES: list }),
    });
    const loaded = JSON.parse(fs.readFileSync(list, "utf8")) as string[];
    return { ...result, pulumi: loaded.filter((m) => m.includes(`${path.sep}@pulumi${path.sep}`)), loaded };
  }

  it("--help loads no Pulumi module", () => {
    const help = oxmig("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: oxmig");
    expect(help.pulumi).toEqual([]);
    expect(help.loaded.some((m) => m.includes(`${path.sep}commands${path.sep}`))).toBe(false);
  });

  it("gate --help and bindings load no Pulumi module; the gate does", () => {
    const gateHelp = oxmig("gate", "--help");
    expect(gateHelp.stdout).toContain("--analyzer <mode>");
    expect(gateHelp.pulumi).toEqual([]);
    const bindings = oxmig("bindings", "--stack", "staging", "--format", "json");
    expect(bindings.status).toBe(0);
    expect(JSON.parse(bindings.stdout).length).toBeGreaterThan(250);
    expect(bindings.pulumi).toEqual([]);
    // The same check sees the SDK where it is loaded: the gate's implementation (stopped by bad input).
    const gate = oxmig("gate", "--stack", "no-such-stack");
    expect(gate.status).toBe(2);
    expect(gate.stderr).toContain('unknown stack "no-such-stack"');
    expect(gate.pulumi.length).toBeGreaterThan(0);
  });

  it("refuses an --out whose parent is a file (exit 2) before the command's implementation loads", () => {
    const file = path.join(dir, "a-file");
    fs.writeFileSync(file, "x");
    const gate = oxmig("gate", "--stack", "staging", "--out", path.join(file, "report.txt"));
    expect(gate.status).toBe(2);
    expect(gate.stderr).toContain(`${file} is a file, not a folder`);
    expect(gate.pulumi).toEqual([]);
  });

  it("ends quietly with exit 0 when the reader closes stdout (oxmig bindings | head)", () => {
    // pipefail: the pipeline's status is oxmig's unless oxmig succeeded.
    const pipeline = `set -o pipefail; "${process.execPath}" bin/oxmig.cjs bindings --stack staging | head -c 10 >/dev/null`;
    const result = spawnSync("bash", ["-c", pipeline], { cwd: ROOT, encoding: "utf8", env: plainEnv() });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
