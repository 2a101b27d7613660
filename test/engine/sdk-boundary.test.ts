// engine/ is the only code allowed to touch Pulumi's internals (CONTRIBUTING.md, docs/engine.md): a
// reach into them anywhere else would escape the hooks that engine/sdk-hooks.ts pins to the SDK version.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { internalsIn, sourceFiles } from "../support/sdk-internals";

const ROOT = path.resolve(__dirname, "../..");
/** A benchmark may measure the SDK alone, with and without the engine's avoidances; nothing the product runs. */
const EXEMPT: Record<string, string> = { "bench/floor.ts": "measures the SDK's own registration floor" };
const OUTSIDE_ENGINE = ["core", "io", "infra", "policies", "gate", "cli", "rehearsal", "audit", "bench", "bin"];

describe("Pulumi internals outside engine/", () => {
  const files = OUTSIDE_ENGINE.flatMap((dir) => sourceFiles(path.join(ROOT, dir)))
    .map((f) => [path.relative(ROOT, f), f])
    .filter(([name]) => !(name! in EXEMPT));
  it.each(files)("%s reaches into an SDK internal", (_name, file) => {
    expect(internalsIn(file)).toEqual([]);
  });

  it("an exemption that no longer reaches into the SDK is dropped", () => {
    for (const name of Object.keys(EXEMPT)) expect(internalsIn(path.join(ROOT, name)), name).not.toEqual([]);
  });

  it("the patterns find the engine's own hooks (a boundary test that finds nothing anywhere proves nothing)", () => {
    const engine = sourceFiles(path.join(ROOT, "engine")).filter((f) => internalsIn(f).length > 0);
    expect(engine.map((f) => path.relative(ROOT, f))).toEqual(expect.arrayContaining(["engine/run-program.ts", "engine/sdk-hooks.ts"]));
  });
});
