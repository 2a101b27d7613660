import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { UsageError } from "@oxmig/core/errors";
import { checkOutFile, endQuietlyOnClosedStdout, writeOutFile } from "../../cli/out-file";

describe("--out", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "oxmig-out-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a parent that is a file is refused before any work, naming it", () => {
    fs.writeFileSync(path.join(dir, "afile"), "x");
    const out = path.join(dir, "afile", "sub", "report.txt");
    expect(() => checkOutFile(out)).toThrow(UsageError);
    expect(() => checkOutFile(out)).toThrow(`${path.join(dir, "afile")} is a file, not a folder`);
  });

  it("a folder given as the file is refused", () => {
    expect(() => checkOutFile(dir)).toThrow("is a folder; name a file in it");
    expect(() => checkOutFile(dir, "--adoptions")).toThrow(`--adoptions ${dir} is a folder`);
  });

  it("a missing folder is not created by the check, only by the write, which says so", () => {
    const out = path.join(dir, "reports", "gate.txt");
    checkOutFile(out);
    expect(fs.existsSync(path.join(dir, "reports"))).toBe(false);
    const log = vi.fn();
    writeOutFile(out, "report\n", log);
    expect(fs.readFileSync(out, "utf8")).toBe("report\n");
    expect(log).toHaveBeenCalledWith(expect.stringContaining("created folder"));
    expect(fs.readdirSync(path.join(dir, "reports"))).toEqual(["gate.txt"]);
  });

  it("writing into an existing folder says nothing and leaves no temp file", () => {
    const log = vi.fn();
    writeOutFile(path.join(dir, "r.json"), "{}", log);
    expect(log).not.toHaveBeenCalled();
    expect(fs.readdirSync(dir)).toEqual(["r.json"]);
  });
});

describe("stdout closed by the reader (oxmig bindings | head)", () => {
  it("EPIPE ends the command with the code it had, not a crash", () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const before = process.exitCode;
    try {
      process.exitCode = undefined;
      endQuietlyOnClosedStdout(stream);
      stream.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      expect(exit).toHaveBeenCalledWith(0);
      expect(() => stream.emit("error", Object.assign(new Error("disk"), { code: "EIO" }))).toThrow("disk");
    } finally {
      exit.mockRestore();
      process.exitCode = before;
    }
  });
});
