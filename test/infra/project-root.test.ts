import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fromProjectRoot, PROJECT_ROOT } from "../../infra/project-root";

const startedIn = process.cwd();
afterEach(() => process.chdir(startedIn));

describe("paths in the stack config", () => {
  it("the project root is the folder of Pulumi.yaml", () => {
    expect(existsSync(path.join(PROJECT_ROOT, "Pulumi.yaml"))).toBe(true);
  });

  it("resolve against the project even when the CLI runs the program from infra/", () => {
    process.chdir(path.join(PROJECT_ROOT, "infra"));
    expect(fromProjectRoot("inventory/staging")).toBe(path.join(PROJECT_ROOT, "inventory", "staging"));
    expect(existsSync(path.join(fromProjectRoot("inventory/staging"), "plan.yaml"))).toBe(true);
  });

  it("keep an absolute path as it is", () => {
    expect(fromProjectRoot("/srv/inventory")).toBe("/srv/inventory");
  });
});
