// The policy-pack tests alone, for mutation testing (`npm run mutation`): Stryker runs these
// for every mutant of policies/. The 5,000-mailbox shard test is left out: it checks scale, not one
// behaviour, and at seconds per run it would dominate every mutant's run; so is the packed-pack test
// (npm pack, a program run and a pack process: packaging, not one rule's behaviour). Files share one worker
// (isolate: false), which halves a mutation run; fresh-modules.ts still reloads the project's modules
// per file, so the export caches of config.ts cannot carry a mutant's results into another run.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/policies/**/*.test.ts"],
    exclude: ["test/policies/large-shard.test.ts", "test/policies/performance.test.ts", "test/policies/packed-pack.test.ts", "**/node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    isolate: false,
    setupFiles: ["test/policies/fresh-modules.ts"],
  },
});
