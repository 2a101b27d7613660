// Edges of the command line that used to write where they should not or accept what they should
// refuse: each ends in exit 2, naming the file, and nothing is written.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import { captureOutput } from "../support/capture-output";
import { copyStaging } from "./support/inventory-mistakes";

const out = captureOutput();
let dir: string;
let elsewhere: string;

beforeEach(() => {
  dir = copyStaging("oxmig-edges-");
  elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "oxmig-edges-outside-"));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(elsewhere, { recursive: true, force: true });
});

const lock = (...args: string[]) => main(["node", "oxmig", "lock", "--stack", "staging", "--inventory", dir, ...args]);
const lockFile = () => path.join(dir, "bindings.lock.yaml");
const planFile = () => path.join(dir, "plan.yaml");

describe("oxmig lock refuses", () => {
  it("a lock that is a symbolic link to a file outside the inventory, and leaves that file alone", async () => {
    const target = path.join(elsewhere, "bindings.lock.yaml");
    fs.renameSync(lockFile(), target);
    fs.symlinkSync(target, lockFile());
    const before = fs.readFileSync(target, "utf8");
    fs.writeFileSync(planFile(), fs.readFileSync(planFile(), "utf8").replace("    phase: copying", "    phase: cut-over"));
    expect(await lock()).toBe(2);
    expect(out.stderr).toContain(`bindings.lock.yaml: the lock is a symbolic link (to ${target})`);
    expect(fs.readFileSync(target, "utf8")).toBe(before);
    expect(fs.lstatSync(lockFile()).isSymbolicLink()).toBe(true);
  });

  it("a plan with a __proto__ context, naming plan.yaml and the line, and writes nothing", async () => {
    const before = fs.readFileSync(lockFile(), "utf8");
    const text = fs.readFileSync(planFile(), "utf8");
    expect(text).toMatch(/^contexts:\n/m);
    fs.writeFileSync(planFile(), text.replace(/^contexts:\n/m, "contexts:\n  __proto__: { id: 999 }\n"));
    const line = text.split("\n").findIndex((l) => l === "contexts:") + 2;
    expect(await lock()).toBe(2);
    expect(out.stderr).toMatch(new RegExp(`plan\\.yaml: line ${line}: contexts\\.__proto__: the key "__proto__" is not allowed`));
    expect(fs.readFileSync(lockFile(), "utf8")).toBe(before);
  });

  it("a plan that is not valid UTF-8, naming the line, and writes nothing", async () => {
    const before = fs.readFileSync(lockFile(), "utf8");
    const lines = fs.readFileSync(planFile(), "utf8").split("\n");
    const row = lines.findIndex((l) => /^\s+owner: \S+$/.test(l));
    const bytes = Buffer.concat([
      Buffer.from(lines.slice(0, row).join("\n") + "\n"),
      Buffer.from(`${lines[row]} # J\xfcrgen\n`, "latin1"),
      Buffer.from(lines.slice(row + 1).join("\n")),
    ]);
    fs.writeFileSync(planFile(), bytes);
    expect(await lock()).toBe(2);
    expect(out.stderr).toMatch(new RegExp(`plan\\.yaml: line ${row + 1}: the file is not valid UTF-8`));
    expect(fs.readFileSync(lockFile(), "utf8")).toBe(before);
  });
});

describe("oxmig review refuses a --base that git would read as an option", () => {
  it("--base=--output=<file>: exit 2, and git writes no file", async () => {
    const written = path.join(elsewhere, "x");
    expect(await main(["node", "oxmig", "review", "--stack", "staging", "--no-gate", `--base=--output=${written}`])).toBe(2);
    expect(out.stderr).toContain(`--base "--output=${written}": a git revision must not be empty or start with "-"`);
    expect(fs.existsSync(written)).toBe(false);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });
});
