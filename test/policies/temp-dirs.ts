// Temp folders for policy tests (lock files, edited exports): made on demand, removed after the test
// file that made them. The policy test run reloads modules per file (fresh-modules.ts), so each file
// gets its own copy of this module and its own afterAll.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

const made: string[] = [];

afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new, empty folder named `<prefix>XXXXXX`, removed when the current test file is done. */
export function policyTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
