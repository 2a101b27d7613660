// bin/build.cjs: the build is fresh only for exactly the sources on disk, and a built file behaves
// as its source does (paths, lazy imports).
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { projectBuild, type ProjectBuild } from "../../bin/build.cjs";
import { tempProject, type TempProject } from "./support/temp-project";

const SOURCES = {
  "core/where.ts": "export const here = { dir: __dirname, file: __filename };\n",
  "cli/lazy.ts": 'export async function whereLazily(): Promise<string> {\n  const { here } = await import("../core/where.js");\n  return here.dir;\n}\n',
  "test/ignored.ts": "export const notBuilt = true;\n",
  // core/ as a workspace package imported by name, as the real core/ is (@oxmig/core).
  "core/package.json": JSON.stringify({ name: "@temp/core", exports: { "./*": "./*.ts" } }),
  "cli/by-name.ts": 'import { here } from "@temp/core/where";\nexport const whereByName = here.file;\n',
};

let project: TempProject;
let build: ProjectBuild;

beforeEach(() => {
  project = tempProject(SOURCES);
  build = projectBuild(project.root);
});
afterEach(() => project.remove());

describe("bin/build.cjs", () => {
  it("is fresh right after a build, and not before", async () => {
    expect(build.freshBuildDir()).toBeUndefined();
    await build.build();
    expect(build.freshBuildDir()).toBe(path.join(project.root, "build"));
  });

  it("resolves a workspace package imported by name to its TypeScript sources instead of its build", async () => {
    await build.build();
    const { whereByName } = require(path.join(build.dir, "cli/by-name.js")) as { whereByName: string };
    expect(whereByName).toBe(path.join(project.root, "core/where.ts"));
    expect(fs.realpathSync(require.resolve("@temp/core/where", { paths: [path.join(build.dir, "cli")] }))).toBe(path.join(build.dir, "core/where.js"));
  });

  it("is stale once a source is edited, added or removed, or tsconfig.json or a workspace package.json changes", async () => {
    const changes: [string, () => void][] = [
      ["edited", () => project.touch("core/where.ts")],
      ["added", () => project.write("core/new.ts", "export {};\n")],
      ["removed", () => fs.rmSync(path.join(project.root, "core/new.ts"))],
      [
        "rewritten, same size",
        () => project.write("cli/lazy.ts", fs.readFileSync(path.join(project.root, "cli/lazy.ts"), "utf8").replace("here.dir", "here.fil")),
      ],
      ["tsconfig.json", () => project.touch("tsconfig.json")],
      ["a workspace package.json", () => project.touch("core/package.json")],
    ];
    for (const [what, change] of changes) {
      await build.build();
      expect(build.freshBuildDir(), `before: ${what}`).toBeDefined();
      change();
      expect(build.freshBuildDir(), `after: ${what}`).toBeUndefined();
    }
  });

  it("is stale while being rebuilt (no stamp yet)", async () => {
    await build.build();
    fs.rmSync(path.join(build.dir, "stamp.json"));
    expect(build.freshBuildDir()).toBeUndefined();
  });

  it("compiles the run-time folders only, one .js per .ts", async () => {
    await build.build();
    expect(fs.existsSync(path.join(build.dir, "core/where.js"))).toBe(true);
    expect(fs.existsSync(path.join(build.dir, "test"))).toBe(false);
    expect(build.builtPath(path.join(project.root, "core/where.ts"))).toBe(path.join(build.dir, "core/where.js"));
    expect(build.builtPath(path.join(project.root, "test/ignored.ts"))).toBeUndefined();
    expect(build.builtPath(path.join(project.root, "..", "elsewhere/core/x.ts"))).toBeUndefined();
    expect(build.builtPath(path.join(project.root, "core/where.js"))).toBeUndefined();
  });

  it("keeps __dirname and __filename naming the source, so paths to the project resolve as from the source", async () => {
    await build.build();
    const { here } = require(path.join(build.dir, "core/where.js")) as { here: { dir: string; file: string } };
    expect(here).toEqual({ dir: path.join(project.root, "core"), file: path.join(project.root, "core/where.ts") });
  });

  it("turns a lazy import() into a load of the compiled module", async () => {
    await build.build();
    const built = fs.readFileSync(path.join(build.dir, "cli/lazy.js"), "utf8");
    expect(built).toContain('require("../core/where.js")');
    const { whereLazily } = require(path.join(build.dir, "cli/lazy.js")) as { whereLazily: () => Promise<string> };
    expect(await whereLazily()).toBe(path.join(project.root, "core"));
  });
});
