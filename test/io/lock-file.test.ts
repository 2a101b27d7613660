// The lock is read strictly as UTF-8 and never read or written through a symbolic link (git stores
// links, so a pull request can turn the lock into one pointing anywhere).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readLockText, writeLockText } from "../../io/lock-file";
import { inputErrorOf } from "../support/input-errors";

let dir: string;
let inventory: string;
let outside: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "oxmig-lock-file-"));
  inventory = path.join(dir, "inventory");
  outside = path.join(dir, "elsewhere.txt");
  fs.mkdirSync(inventory);
  fs.writeFileSync(outside, "not a lock\n");
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const lock = () => path.join(inventory, "bindings.lock.yaml");

describe("readLockText and writeLockText", () => {
  it("read nothing when there is no lock, then write and read a regular file", () => {
    expect(readLockText(lock())).toBeUndefined();
    writeLockText(lock(), "stack: staging\n");
    expect(readLockText(lock())).toBe("stack: staging\n");
    writeLockText(lock(), "stack: prod\n");
    expect(fs.readFileSync(lock(), "utf8")).toBe("stack: prod\n");
  });

  it("refuse a lock that is a symbolic link, naming it and its target, and leave the target alone", () => {
    fs.symlinkSync(outside, lock());
    const shown = "inventory/staging/bindings.lock.yaml";
    expect(inputErrorOf(() => readLockText(lock(), shown)).message).toBe(
      `${shown}: the lock is a symbolic link (to ${outside}); oxmig reads and writes the lock only as a regular file; replace the link with the file itself`,
    );
    expect(inputErrorOf(() => writeLockText(lock(), "stack: staging\n", shown)).exitCode).toBe(2);
    expect(fs.readFileSync(outside, "utf8")).toBe("not a lock\n");
  });

  it("refuse a dangling link too (writing would create its target)", () => {
    const target = path.join(dir, "created-outside.yaml");
    fs.symlinkSync(target, lock());
    expect(inputErrorOf(() => writeLockText(lock(), "stack: staging\n")).message).toMatch(/the lock is a symbolic link/);
    expect(fs.existsSync(target)).toBe(false);
  });

  it("refuse a lock that is not valid UTF-8, naming the line", () => {
    fs.writeFileSync(lock(), Buffer.concat([Buffer.from("stack: staging\nmailboxes:\n  - owner: j"), Buffer.from([0xfc]), Buffer.from("rgen\n")]));
    expect(inputErrorOf(() => readLockText(lock(), "bindings.lock.yaml")).message).toBe("bindings.lock.yaml: line 3: the file is not valid UTF-8");
  });
});
