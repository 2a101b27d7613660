// The program child runs compiled when a fresh build holds the worker and the program, through tsx
// otherwise; both declare the same resources.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectBuild, SOURCE_DIRS, type ProjectBuild } from "../../bin/build.cjs";
import { childEntry, runProgram, type BuildLookup } from "../../engine/program-process";
import type { DeclaredResource } from "../../engine/types";

const ROOT = path.resolve(__dirname, "../..");
const FIXTURE = path.join(ROOT, "test/fixtures/engine/program");
const JOB = { project: "gatefix", stack: "dev", config: { "gatefix:context": "ctx-a" } };

/** A build that answers as told, for the choice alone. */
function fakeBuild(fresh: boolean): BuildLookup {
  return {
    root: ROOT,
    freshBuildDir: () => (fresh ? path.join(ROOT, "build") : undefined),
    builtPath: (file) =>
      file.startsWith(path.join(ROOT, "infra")) || file.startsWith(path.join(ROOT, "engine"))
        ? file.replace(ROOT, path.join(ROOT, "build")).replace(/\.ts$/, ".js")
        : undefined,
  };
}

describe("childEntry", () => {
  const program = path.join(ROOT, "infra/index.ts");

  it("takes the compiled worker and program from a fresh build", () => {
    const entry = childEntry({ ...JOB, programModule: program }, fakeBuild(true));
    expect(entry).toMatchObject({ compiled: true, module: path.join(ROOT, "build/engine/program-worker.js"), args: [] });
    expect(entry.job.programModule).toBe(path.join(ROOT, "build/infra/index.js"));
  });

  it("runs the TypeScript through tsx when the build is stale, or does not hold the program or its mocks", () => {
    const cases = [
      { build: fakeBuild(false), job: { ...JOB, programModule: program } },
      { build: fakeBuild(true), job: { ...JOB, programModule: path.join(FIXTURE, "index.ts") } },
      { build: fakeBuild(true), job: { ...JOB, programModule: program, mocksModule: path.join(FIXTURE, "mocks-without-result.ts") } },
    ];
    for (const { build, job } of cases) {
      const entry = childEntry(job, build);
      expect(entry).toMatchObject({ compiled: false, module: path.join(ROOT, "bin/run-ts.cjs"), args: [path.join(ROOT, "engine/program-worker.ts")] });
      expect(entry.job).toBe(job);
    }
  });
});

describe("runProgram from a build", () => {
  // A copy of the run-time sources with the gate's fixture program as infra/, built on its own: the
  // checkout's build/ and concurrent edits of the sources stay out of it.
  let project: string;
  let build: ProjectBuild;
  let compiled: DeclaredResource[];
  let throughTsx: DeclaredResource[];
  beforeAll(async () => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "oxmig-program-build-"));
    for (const dir of SOURCE_DIRS.filter((d) => d !== "infra"))
      fs.cpSync(path.join(ROOT, dir), path.join(project, dir), { recursive: true, filter: (src) => !src.includes("node_modules") });
    fs.cpSync(FIXTURE, path.join(project, "infra"), { recursive: true });
    fs.copyFileSync(path.join(ROOT, "tsconfig.json"), path.join(project, "tsconfig.json"));
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
    build = projectBuild(project);
    await build.build();
    const programModule = path.join(project, "infra/index.ts");
    expect(childEntry({ ...JOB, programModule }, build).compiled).toBe(true);
    [compiled, throughTsx] = await Promise.all([
      runProgram({ ...JOB, programModule }, build),
      runProgram({ ...JOB, programModule: path.join(FIXTURE, "index.ts") }),
    ]);
  });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  it("declares the same resources as the TypeScript program through tsx", () => {
    // Each run's mock key is its own (a per-run salt): compared as "<key>".
    const comparable = (resources: DeclaredResource[]) => {
      const key = String(resources.find((r) => r.type === "random:index/randomPassword:RandomPassword")?.outputs["result"]);
      return JSON.parse(
        JSON.stringify(resources.map((r) => [r.urn, r.inputs, r.options, r.dependencies]))
          .split(key)
          .join("<key>"),
      );
    };
    expect(compiled.length).toBeGreaterThan(3);
    expect(comparable(compiled)).toEqual(comparable(throughTsx));
  });
});
