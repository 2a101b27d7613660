import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../../cli/main";
import { captureOutput } from "../../support/capture-output";

let dir: string;

const output = captureOutput();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "oxmig-generate-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const run = (...args: string[]) => main(["node", "oxmig", "generate", ...args]);

describe("oxmig generate", () => {
  it("writes the three files into a new directory and prints a one-line summary", async () => {
    const out = join(dir, "new", "inventory");
    expect(await run("--people", "40", "--seed", "3", "--out", out)).toBe(0);
    expect(output.stdout).toMatch(/^wrote .*: 40 people, \d+ mailboxes, \d+ waves, 4 organisations \(directory\.ldif, exchange\.csv, plan\.yaml\)\n$/);
    expect(readFileSync(join(out, "plan.yaml"), "utf8")).toContain(`--people 40 --seed 3 --wave-size 50 --out ${out} --force`);
    expect(readFileSync(join(out, "exchange.csv")).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it("refuses to overwrite an existing file without --force (exit 2, nothing written)", async () => {
    writeFileSync(join(dir, "plan.yaml"), "mine\n");
    expect(await run("--people", "20", "--out", dir)).toBe(2);
    expect(output.stderr).toMatch(/refusing to overwrite .*plan\.yaml; pass --force/);
    expect(readFileSync(join(dir, "plan.yaml"), "utf8")).toBe("mine\n");
    expect(() => readFileSync(join(dir, "directory.ldif"))).toThrow();
  });

  it("overwrites with --force", async () => {
    writeFileSync(join(dir, "plan.yaml"), "mine\n");
    expect(await run("--people", "20", "--out", dir, "--force")).toBe(0);
    expect(readFileSync(join(dir, "plan.yaml"), "utf8")).toMatch(/^# Synthetic inventory: 20 people/);
  });

  it("rejects a non-numeric head count with exit 2", async () => {
    expect(await run("--people", "many", "--out", dir)).toBe(2);
    expect(output.stderr).toContain('--people must be an integer from 1 to 200000, got "many"');
  });
});
