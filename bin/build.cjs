#!/usr/bin/env node
// Compiles the TypeScript the CLI runs into build/: one CommonJS .js per .ts, with esbuild, the same
// transform tsx and vitest apply on the fly. `npm ci` runs it (the `prepare` script), and so does
// `npm run build`. bin/oxmig.cjs and the gate's program child use the build only while it is fresh:
// built from exactly the files on disk now (same paths, sizes and modification times); otherwise
// they run the sources through tsx, never stale code.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

/** The folders whose TypeScript runs at run time (tests and benchmarks run under vitest and tsx). */
const SOURCE_DIRS = ["audit", "cli", "core", "engine", "gate", "infra", "io", "policies", "rehearsal"];
/** Inputs of the transform besides the sources: a change to either makes the build stale too. */
const BUILD_INPUTS = ["tsconfig.json", "bin/build.cjs"];

/**
 * A built file runs from build/<dir>, but `__dirname` and `__filename` keep naming the source folder
 * and file: the sources find the project root, data files and helper scripts through them.
 */
function withSourcePaths(code, rel) {
  const up = path.posix.relative(path.posix.dirname(`build/${rel}`), ".");
  const source = JSON.stringify(`${up}/${rel}`);
  const prologue = `__filename = require("node:path").join(__dirname, ${source}); __dirname = require("node:path").dirname(__filename);\n`;
  // After a "use strict" directive: in front of it, the directive would be ignored.
  const directive = /^"use strict";\n/.exec(code)?.[0] ?? "";
  return directive + prologue + code.slice(directive.length);
}

/** The build of the project at `root` (the real one below; tests make small ones). */
function projectBuild(root) {
  const dir = path.join(root, "build");
  const stampFile = path.join(dir, "stamp.json");

  function sourceFiles() {
    const files = [];
    const walk = (rel) => {
      for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
        const child = `${rel}/${entry.name}`;
        if (entry.isDirectory()) {
          if (entry.name !== "node_modules") walk(child);
        } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(child);
      }
    };
    for (const sourceDir of SOURCE_DIRS) if (fs.existsSync(path.join(root, sourceDir))) walk(sourceDir);
    return files.sort();
  }

  /** The source folders that are npm workspace packages imported by name (a package.json with exports), e.g. core/ = @oxmig/core. */
  function workspacePackages() {
    return SOURCE_DIRS.flatMap((sourceDir) => {
      const file = path.join(root, sourceDir, "package.json");
      if (!fs.existsSync(file)) return [];
      const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
      return manifest.name && manifest.exports ? [{ sourceDir, manifest }] : [];
    });
  }

  /**
   * Built code imports a workspace package by name (`@oxmig/core/plan`), which the checkout's
   * node_modules maps to the TypeScript sources. build/node_modules links each name to its built
   * folder instead, whose package.json maps the same subpaths to the compiled .js files.
   */
  function linkWorkspacePackages() {
    for (const { sourceDir, manifest } of workspacePackages()) {
      const exportsJs = JSON.parse(JSON.stringify(manifest.exports ?? {}).replace(/\.ts"/g, '.js"'));
      fs.writeFileSync(path.join(dir, sourceDir, "package.json"), `${JSON.stringify({ name: manifest.name, exports: exportsJs }, null, 2)}\n`);
      const link = path.join(dir, "node_modules", ...manifest.name.split("/"));
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.rmSync(link, { force: true });
      fs.symlinkSync(path.relative(path.dirname(link), path.join(dir, sourceDir)), link, "dir");
    }
  }

  /** Every source and build input with its size and modification time, as one string. */
  function fingerprint(files) {
    const manifests = SOURCE_DIRS.map((sourceDir) => `${sourceDir}/package.json`);
    return [...[...BUILD_INPUTS, ...manifests].filter((rel) => fs.existsSync(path.join(root, rel))), ...files]
      .map((rel) => {
        const s = fs.statSync(path.join(root, rel));
        return `${rel} ${s.size} ${s.mtimeMs}`;
      })
      .join("\n");
  }

  return {
    root,
    dir,

    /** build/ when its stamp matches the files on disk now, else undefined (missing, stale, or being rebuilt). */
    freshBuildDir() {
      try {
        return fs.readFileSync(stampFile, "utf8") === fingerprint(sourceFiles()) ? dir : undefined;
      } catch {
        return undefined; // no stamp, or a source vanished while we looked
      }
    },

    /** Where `file` (a source .ts of this project) is compiled to, or undefined when it is not compiled. */
    builtPath(file) {
      const rel = path.relative(root, file);
      if (!file.endsWith(".ts") || rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
      if (!SOURCE_DIRS.includes(rel.split(path.sep)[0])) return undefined;
      return path.join(dir, rel.replace(/\.ts$/, ".js"));
    },

    /** Compiles every source into build/ and writes the stamp last. */
    async build() {
      const esbuild = require("esbuild");
      const started = Date.now();
      const files = sourceFiles();
      // Taken before any source is read: a file edited during the build leaves the stamp behind it.
      const stamp = fingerprint(files);
      fs.rmSync(stampFile, { force: true });
      const tsconfigRaw = fs.readFileSync(path.join(root, "tsconfig.json"), "utf8");
      await Promise.all(
        files.map(async (rel) => {
          const source = await fs.promises.readFile(path.join(root, rel), "utf8");
          const out = await esbuild.transform(source, {
            loader: "ts",
            format: "cjs",
            platform: "node",
            target: "node20",
            sourcefile: rel,
            tsconfigRaw,
            // A command's lazy `import("./x.js")` becomes a plain require of the compiled file.
            supported: { "dynamic-import": false },
          });
          const target = path.join(dir, rel.replace(/\.ts$/, ".js"));
          await fs.promises.mkdir(path.dirname(target), { recursive: true });
          // Written aside and renamed: a CLI started meanwhile reads a whole file, old or new.
          const partial = `${target}.${process.pid}.tmp`;
          await fs.promises.writeFile(partial, withSourcePaths(out.code, rel));
          await fs.promises.rename(partial, target);
        }),
      );
      linkWorkspacePackages();
      fs.writeFileSync(stampFile, stamp);
      return { files: files.length, ms: Date.now() - started };
    },
  };
}

const project = projectBuild(path.resolve(__dirname, ".."));

module.exports = { SOURCE_DIRS, projectBuild, ...project };

if (require.main === module) {
  project.build().then(
    ({ files, ms }) => console.log(`built ${files} files into ${path.relative(process.cwd(), project.dir) || "."}/ in ${ms} ms`),
    (err) => {
      console.error(err && err.stack ? err.stack : String(err));
      process.exitCode = 1;
    },
  );
}
