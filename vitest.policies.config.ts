// The policy-pack tests alone, for mutation testing (`npm run mutation`): Stryker runs these
// for every mutant of policies/. The 5,000-mailbox benchmark is left out: it measures speed,
// not behaviour, and would dominate every mutant's run under instrumentation.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/policies/**/*.test.ts"],
    exclude: ["test/policies/performance.test.ts", "**/node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
