// The two workspace packages import only what they declare: their own files, Node builtins and the
// dependencies in their package.json. That is what lets policies/ ship alone (its publish build
// bundles exactly its declared workspace packages) and keeps core/ (@oxmig/core) pure. Imports are
// listed by TypeScript's own pre-processor, as tsc reads them.
import fs from "node:fs";
import { isBuiltin } from "node:module";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { sourceFiles } from "../support/sdk-internals";

const ROOT = path.resolve(__dirname, "../..");
/** Node modules that read or write the world: the pure core uses none of them. */
const IO_MODULES = ["fs", "fs/promises", "net", "tls", "http", "https", "http2", "dgram", "dns", "child_process", "worker_threads", "os", "readline"];

interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly workspaces?: string[];
}

const manifest = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as Manifest;

function importsOf(file: string): string[] {
  return ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true).importedFiles.map((f) => f.fileName);
}

/** `@scope/name/sub/path` → `@scope/name`, `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return parts.slice(0, specifier.startsWith("@") ? 2 : 1).join("/");
}

/**
 * Every import in `dir` that leaves the folder, or names a package its package.json does not declare:
 * the TypeScript that runs in `dependencies`, a build script (.cjs) in those or `devDependencies`.
 */
function undeclaredImports(dir: string): string[] {
  const { dependencies = {}, devDependencies = {} } = manifest(dir);
  return sourceFiles(dir).flatMap((file) => {
    const declared = new Set(Object.keys(file.endsWith(".ts") ? dependencies : { ...dependencies, ...devDependencies }));
    return importsOf(file).flatMap((specifier) => {
      const where = `${path.relative(dir, file)}: ${specifier}`;
      if (specifier.startsWith(".")) {
        const target = path.resolve(path.dirname(file), specifier);
        return target === dir || target.startsWith(dir + path.sep) ? [] : [`${where} (outside the package)`];
      }
      if (isBuiltin(specifier)) return [];
      return declared.has(packageOf(specifier)) ? [] : [`${where} (not in package.json)`];
    });
  });
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("workspace packages declare what they import", () => {
  it("lets a package import a sibling folder or an undeclared package unnoticed", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oxmig-workspace-"));
    made.push(dir);
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "x", dependencies: { zod: "4.6.7" } }));
    fs.writeFileSync(
      path.join(dir, "a.ts"),
      'import { z } from "zod/mini";\nimport { b } from "./b";\nimport yaml from "js-yaml";\nimport { plan } from "../core/plan";\nimport fs from "node:fs";\n',
    );
    expect(undeclaredImports(dir)).toEqual(["a.ts: js-yaml (not in package.json)", "a.ts: ../core/plan (outside the package)"]);
  });

  it("lets the policy pack import something it does not declare", () => {
    expect(undeclaredImports(path.join(ROOT, "policies"))).toEqual([]);
    expect(Object.keys(manifest(path.join(ROOT, "policies")).dependencies ?? {})).toContain("@oxmig/core");
  });

  it("lets the core import something it does not declare, Pulumi, or a module that does I/O", () => {
    const core = path.join(ROOT, "core");
    expect(undeclaredImports(core)).toEqual([]);
    const io = sourceFiles(core).flatMap((file) =>
      importsOf(file)
        .filter((s) => IO_MODULES.includes(s.replace(/^node:/, "")) || s.startsWith("@pulumi/"))
        .map((s) => `${path.relative(core, file)}: ${s}`),
    );
    expect(io).toEqual([]);
  });

  it("reaches into core/ by a relative path from outside it, instead of through @oxmig/core", () => {
    const relative = ["audit", "bench", "cli", "engine", "gate", "infra", "io", "policies", "rehearsal", "test"].flatMap((folder) =>
      sourceFiles(path.join(ROOT, folder)).flatMap((file) =>
        importsOf(file)
          .filter((s) => s.startsWith(".") && path.resolve(path.dirname(file), s).startsWith(path.join(ROOT, "core") + path.sep))
          .map((s) => `${path.relative(ROOT, file)}: ${s}`),
      ),
    );
    expect(relative).toEqual([]);
  });

  it("declares a dependency in a version other than the one the checkout installs", () => {
    const root = manifest(ROOT);
    expect(root.workspaces).toEqual(expect.arrayContaining(["core", "policies"]));
    for (const pkg of ["core", "policies"]) {
      for (const [dep, version] of Object.entries(manifest(path.join(ROOT, pkg)).dependencies ?? {})) {
        const installed = manifest(path.join(ROOT, "node_modules", dep));
        expect(`${pkg} → ${dep}@${version}`).toBe(`${pkg} → ${dep}@${(installed as Manifest & { version: string }).version.replace(/^v/, "")}`);
      }
    }
  });
});
