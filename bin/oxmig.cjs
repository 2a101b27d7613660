#!/usr/bin/env node
// `oxmig`: runs the compiled build (build/, written by `npm ci` through bin/build.cjs) when it was
// built from exactly the sources on disk now; otherwise the TypeScript sources through tsx. Never
// stale code: a source edited, added or removed since the build sends every run to the sources.
const { freshBuildDir } = require("./build.cjs");

async function sourcesThroughTsx() {
  if (process.stderr.isTTY)
    process.stderr.write("oxmig: build/ is missing or older than the sources, running them through tsx (slower); `npm run build` compiles them\n");
  require("tsx/cjs/api").register();
  // Commands load their implementation with import(), which Node hands to its ESM loader.
  // (tsx/esm/api's register() cannot be called from CommonJS in tsx 4.23: it misplaces its loader.)
  await import("tsx/esm");
  return require("../cli/main.ts");
}

const built = freshBuildDir();
(built ? Promise.resolve(require(`${built}/cli/main.js`)) : sourcesThroughTsx())
  .then(({ main }) => main(process.argv))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err && err.stack ? err.stack : String(err));
      process.exitCode = 2;
    },
  );
