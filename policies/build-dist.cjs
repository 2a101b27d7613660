#!/usr/bin/env node
// Builds the folder `pulumi policy publish` uploads (policies/dist, or --out DIR): the pack bundled
// into index.js, PulumiPolicy.yaml, and a package.json that declares exactly what the bundle still
// requires at run time. `pulumi policy publish` is an `npm pack` of the folder it runs in, and the
// CLI that enables the pack runs `npm install` in the unpacked copy (docs/engine.md). This folder's
// own package.json cannot ship: it depends on the workspace package @oxmig/core, which is on no
// registry, so the bundle carries @oxmig/core (and zod, js-yaml, csv-parse with it) instead.
//
//   npm run build -w policies            writes policies/dist
//   node policies/build-dist.cjs --out D writes D (the packed-pack test builds into a temp folder)
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const PACK = __dirname;

if (process.argv.includes("--refuse-pack")) {
  // The prepack of the source folder: an `npm pack` here would ship TypeScript that imports @oxmig/core.
  console.error(
    "policies/ holds the pack's sources, which import the workspace package @oxmig/core: its npm pack would not install anywhere else.\n" +
      "Publish the built folder instead: npm run build -w policies && cd policies/dist && pulumi policy publish <org>",
  );
  process.exit(1);
}

/** A dependency linked from this repository (an npm workspace) rather than installed from a registry. */
function isWorkspacePackage(name) {
  const manifest = require.resolve(`${name}/package.json`, { paths: [PACK] });
  return !fs.realpathSync(manifest).split(path.sep).includes("node_modules");
}

function outDir() {
  const at = process.argv.indexOf("--out");
  if (at === -1) return path.join(PACK, "dist");
  const dir = process.argv[at + 1];
  if (!dir) {
    console.error("build-dist: --out needs a folder");
    process.exit(2);
  }
  return path.resolve(dir);
}

async function buildDist(out) {
  const source = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8"));
  const declared = Object.entries(source.dependencies ?? {});
  const inlined = declared.filter(([name]) => isWorkspacePackage(name)).map(([name]) => name);
  // Registry packages stay outside the bundle as the shipped folder's dependencies, same versions.
  const external = Object.fromEntries(declared.filter(([name]) => !inlined.includes(name)));

  // Built aside and renamed into place: a folder that exists is always a whole build.
  const partial = `${out}.${process.pid}.tmp`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  await require("esbuild").build({
    entryPoints: [path.join(PACK, "index.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: Object.keys(external),
    legalComments: "none",
    logLevel: "warning",
    outfile: path.join(partial, "index.js"),
  });
  fs.copyFileSync(path.join(PACK, "PulumiPolicy.yaml"), path.join(partial, "PulumiPolicy.yaml"));
  const shipped = {
    name: source.name,
    version: source.version,
    description: source.description,
    license: source.license,
    main: "index.js",
    dependencies: external,
  };
  fs.writeFileSync(path.join(partial, "package.json"), `${JSON.stringify(shipped, null, 2)}\n`);
  fs.rmSync(out, { recursive: true, force: true });
  fs.renameSync(partial, out);
  return { out, inlined, external: Object.keys(external) };
}

buildDist(outDir()).then(
  ({ out, inlined, external }) =>
    console.log(`built ${path.relative(process.cwd(), out) || "."}/: ${inlined.join(", ")} bundled in; depends on ${external.join(", ")}`),
  (err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exitCode = 1;
  },
);
