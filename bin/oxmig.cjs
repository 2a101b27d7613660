#!/usr/bin/env node
// Runs the TypeScript sources directly so `npx oxmig` works right after `npm ci`.
require("tsx/cjs/api").register();
require("../cli/main.ts").main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err && err.stack ? err.stack : String(err)); process.exitCode = 2; },
);
