// What a test that times out leaves: a Dovecot its own clean-up never stops, or one still starting.
// stopAllDovecots (what settleDovecots and the signal handler use) stops both and names their folders.
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { startDovecot } from "../../../rehearsal/dovecot/dovecot-instance";
import { readRecords } from "../../../rehearsal/dovecot/instance-records";
import { liveDovecotPids, stopAllDovecots } from "../../../rehearsal/dovecot/live-instances";
import { isRunning } from "../../../rehearsal/dovecot/process-info";
import { mkdtempOwned } from "../../../rehearsal/dovecot/run-as";
import { settleDovecots } from "../dovecot-guard";
import { privateRecordsFolder } from "../support/held-run";

const roots: string[] = [];
const recordsDirs: string[] = [];
afterAll(() => settleDovecots(undefined, () => [...roots, ...recordsDirs]));

function instanceOptions(role: "source" | "target", recordsDir: string) {
  const root = mkdtempOwned("oxmig-live-test-");
  roots.push(root);
  return {
    role,
    dir: join(root, role),
    runDir: root,
    recordsDir,
    userdbText: "",
    mailCrypt: role === "target",
    masterUser: { login: "oxmig-admin", password: "throwaway-test-password" },
  };
}

function recordsIn(recordsDir: string) {
  return readRecords(recordsDir).map((r) => ("record" in r ? { role: r.record.role, running: r.record.dovecotPid !== undefined } : r));
}

describe("stopping every Dovecot of this process", () => {
  it("stops one nobody stopped and one still starting, and returns their run folders", { timeout: 60_000 }, async () => {
    const recordsDir = privateRecordsFolder();
    recordsDirs.push(recordsDir);
    const [source, target] = [instanceOptions("source", recordsDir), instanceOptions("target", recordsDir)];
    const forgotten = await startDovecot(source);
    const starting = startDovecot(target).then(
      () => "up",
      (err: Error) => err.message,
    );
    // Wait until the second master is spawned (tracked), not until it is up.
    while (liveDovecotPids().length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const pids = liveDovecotPids();
    const children = forgotten.childPids();

    const folders = await stopAllDovecots();

    expect(folders.sort()).toEqual([source.runDir, target.runDir].sort());
    expect([...pids, ...children].filter(isRunning)).toEqual([]);
    expect(liveDovecotPids()).toEqual([]);
    expect(await starting).toBe("dovecot (target) was stopped while starting");
    // Recorded as stopped until this process exits: its folders are still there to remove.
    expect(recordsIn(recordsDir).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { role: "source", running: false },
      { role: "target", running: false },
    ]);
  });

  it("once shutting down (a signal arrived), refuses to start another Dovecot and leaves no record of it", async () => {
    // The flag cannot be cleared (a process that got a signal is about to exit): set it in fresh
    // module instances, so the other tests of this file keep theirs, in whatever order they run.
    vi.resetModules();
    const fresh = await import("../../../rehearsal/dovecot/live-instances.js");
    const { startDovecot: startFresh } = await import("../../../rehearsal/dovecot/dovecot-instance.js");
    const recordsDir = privateRecordsFolder();
    recordsDirs.push(recordsDir);
    await fresh.stopAllDovecots({ shuttingDown: true });
    await expect(startFresh(instanceOptions("source", recordsDir))).rejects.toThrow("the rehearsal is shutting down: no further Dovecot is started");
    expect(fresh.liveDovecotPids()).toEqual([]);
    expect(recordsIn(recordsDir)).toEqual([]);
  });
});
