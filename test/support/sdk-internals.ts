// What only Pulumi SDK internals look like in source, and how to list a folder's sources: shared by
// the pack's test (the pack runs under the real CLI) and the engine boundary test (only engine/ may).
import fs from "node:fs";
import path from "node:path";

export function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    // dist/: the pack's publish build, a bundle of other packages' code (policies/build-dist.cjs).
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "dist" ? [] : sourceFiles(full);
    return /\.(ts|js|cjs)$/.test(e.name) ? [full] : [];
  });
}

/** Private markers, deep module paths, module caches, prototype patches, the SDK's private helpers. */
export const SDK_INTERNALS = [
  /__pulumiType|__getSpecialProxyTarget|__isSpecialProxy/,
  /["']@pulumi\/(policy|pulumi)\/[^"']+["']/,
  /require\.cache/,
  /\.prototype\.\w+\s*=[^=]/,
  /deserializeProperties|unknownCheckingProxy|debuggablePromise|\bsetMocks\b/,
];

export function internalsIn(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return SDK_INTERNALS.filter((pattern) => pattern.test(text)).map(String);
}
