#!/usr/bin/env node
// Runs one TypeScript script (benchmarks, workers) without a build step.
require("tsx/cjs/api").register();
const path = require("node:path");
const script = process.argv[2];
process.argv.splice(1, 1);
require(path.resolve(script));
