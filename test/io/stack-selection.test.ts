// The commands' reading of a stack's selection: checked against the plan as the program checks it,
// and narrowed by --wave only within the stack.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InputError, UsageError } from "@oxmig/core/errors";
import { readInventory } from "../../io/inventory";
import { selectedBindings, stackSelection } from "../../io/stack-selection";

const ROOT = path.resolve(__dirname, "../..");
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A project folder with Pulumi.yaml and one stack file over the staging inventory. */
function project(stackConfig: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oxmig-selection-"));
  made.push(dir);
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.writeFileSync(path.join(dir, "Pulumi.shard.yaml"), `config:\n  oxmig:inventory: ${path.join(ROOT, "inventory/staging")}\n${stackConfig}`);
  return dir;
}

const waves = (dir: string, narrow: { waves?: string[] } = {}) => {
  const selection = stackSelection("shard", dir);
  return [...new Set(selectedBindings(selection, readInventory(selection.inventoryDir), narrow).map((b) => b.wave))].sort();
};

describe("selectedBindings", () => {
  it("an empty list read as no mailboxes instead of all", () => {
    const all = waves(project("  oxmig:contexts: []\n  oxmig:waves: []\n"));
    expect(all).toContain("w01-im");
    expect(all).toContain("w01-fa-luebeck");
  });

  it("a shard's contexts ignored", () => {
    expect(waves(project("  oxmig:contexts: [im]\n"))).toEqual(["w01-im", "w02-im", "w03-im", "w04-im"]);
  });

  it("a misspelt context in the stack file selecting nothing instead of failing at its setting", () => {
    const dir = project("  oxmig:contexts: [imm]\n");
    expect(() => waves(dir)).toThrow(InputError);
    expect(() => waves(dir)).toThrow(/Pulumi\.shard\.yaml: config contexts: "imm" is not in the plan/);
  });

  it("--wave reaching a wave of another shard", () => {
    const dir = project("  oxmig:contexts: [im]\n");
    expect(waves(dir, { waves: ["w02-im"] })).toEqual(["w02-im"]);
    expect(() => waves(dir, { waves: ["w01-fa-luebeck"] })).toThrow(UsageError);
    expect(() => waves(dir, { waves: ["w01-fa-luebeck"] })).toThrow(/not selected by \S*Pulumi\.shard\.yaml; its waves: w01-im, w02-im, w03-im, w04-im/);
  });
});
