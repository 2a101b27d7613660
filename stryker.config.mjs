// Mutation testing of the CrossGuard policy pack (issue 4: score >= 85 %). Run: `npm run mutation`.
// Only the policy tests run (vitest.policies.config.ts); the report goes to reports/mutation/.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.policies.config.ts", related: false },
  mutate: ["policies/rules/**/*.ts", "policies/support/**/*.ts", "policies/config.ts"],
  coverageAnalysis: "perTest",
  // Two cores shared with other engineers.
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ["clear-text", "progress", "html"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  thresholds: { high: 90, low: 85, break: 85 },
  // Reuses the results of mutants whose code and tests did not change; `npm run mutation -- --force` runs all.
  incremental: true,
  incrementalFile: "reports/mutation/stryker-incremental.json",
  tempDirName: ".stryker-tmp",
  // The compiled CLI (bin/build.cjs) is not what the policy tests run.
  ignorePatterns: ["/build"],
  cleanTempDir: true,
};
