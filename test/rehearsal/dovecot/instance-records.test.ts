// The record folder decides which processes are signalled and which folders removed: one that is
// not private to the user is refused, naming it and the problem, before anything is read from it.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultRecordsDir, dropSettledRecords, privateRecordsDir, readRecords, removeAtExit, writeRecord } from "../../../rehearsal/dovecot/instance-records";
import { reapOrphans } from "../../../rehearsal/dovecot/reap";

let base: string;
afterEach(() => rmSync(base, { recursive: true, force: true }));

function scratch(): string {
  base = mkdtempSync(join(tmpdir(), "oxmig-records-test-"));
  return base;
}

describe("the rehearsal's record folder", () => {
  it("is one per user under the temp folder, created private (0700)", () => {
    expect(defaultRecordsDir()).toBe(join(tmpdir(), `oxmig-dovecots-${process.getuid!()}`));
    const dir = privateRecordsDir(join(scratch(), "records"));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it("keeps what it is given, readable back, and writes no stray temp file", () => {
    const dir = join(scratch(), "records");
    const record = {
      role: "target" as const,
      dovecotPid: 4242,
      dovecotStartTime: "99",
      confPath: "/tmp/x/target/dovecot.conf",
      dir: "/tmp/x/target",
      runDir: "/tmp/x",
      ownerPid: 4141,
      ownerStartTime: "98",
    };
    writeRecord(dir, "target-1", record);
    expect(readRecords(dir)).toEqual([{ path: join(dir, "target-1.json"), record }]);
    expect(readdirSync(dir)).toEqual(["target-1.json"]);
  });

  it("a stopped Dovecot's record left behind after its folder is gone, or dropped while its folder remains", () => {
    const base = scratch();
    const dir = join(base, "records");
    const kept = join(base, "kept");
    mkdirSync(kept);
    const record = (folder: string) => ({
      role: "source" as const,
      confPath: join(folder, "dovecot.conf"),
      dir: folder,
      runDir: base,
      ownerPid: 1,
      ownerStartTime: "1",
    });
    removeAtExit(writeRecord(dir, "source-gone", record(join(base, "gone"))));
    removeAtExit(writeRecord(dir, "source-kept", record(kept)));
    dropSettledRecords();
    expect(readdirSync(dir)).toEqual(["source-kept.json"]);
  });

  it("is refused when others may write to it, and nothing is reaped from it", async () => {
    const dir = join(scratch(), "records");
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    writeFileSync(join(dir, "planted.json"), "{}");
    await expect(reapOrphans({ recordsDir: dir, report: () => undefined })).rejects.toThrow(
      `the rehearsal's record folder ${dir} is open to others (mode 777); remove it (or set TMPDIR elsewhere) and run again`,
    );
    expect(readdirSync(dir)).toEqual(["planted.json"]);
  });

  it("is refused when it is a symbolic link", () => {
    const target = join(scratch(), "elsewhere");
    mkdirSync(target, { mode: 0o700 });
    const dir = join(base, "records");
    symlinkSync(target, dir);
    expect(() => privateRecordsDir(dir)).toThrow(`${dir} is not a folder`);
  });

  it.skipIf(process.getuid?.() !== 0)("is refused when it belongs to another user", () => {
    const dir = join(scratch(), "records");
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 65534, 65534);
    expect(() => privateRecordsDir(dir)).toThrow(`${dir} belongs to uid 65534, not to you (uid 0)`);
  });
});
