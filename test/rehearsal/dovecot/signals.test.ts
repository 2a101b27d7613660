// A rehearsal that gets SIGHUP (closed terminal or SSH session) or SIGTERM stops its Dovecots and
// removes its run folder (keys, master passwords) before it ends with 128 + the signal's number.
// Each run is a child process (support/hold-rehearsal.ts) provisioned the way `oxmig rehearse` does.
import { existsSync, readdirSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { isRunning } from "../../../rehearsal/dovecot/process-info";
import { endHeldRuns, privateRecordsFolder, startHeldRun } from "../support/held-run";

afterEach(endHeldRuns, 60_000);

describe("a rehearsal interrupted by a signal", () => {
  for (const [signal, code] of [
    ["SIGHUP", 129],
    ["SIGTERM", 143],
  ] as const) {
    it(`on ${signal} leaves no Dovecot, no key and no master password behind, and exits ${code}`, { timeout: 90_000 }, async () => {
      const recordsDir = privateRecordsFolder();
      const run = await startHeldRun(recordsDir);
      const { dovecotPids, childPids, keyFile, masterPasswordFile, root } = run.held;
      expect(dovecotPids.filter(isRunning)).toHaveLength(2);
      expect(childPids.length).toBeGreaterThan(0);
      expect([existsSync(keyFile), existsSync(masterPasswordFile)]).toEqual([true, true]);
      expect(readdirSync(recordsDir)).toHaveLength(2);

      run.child.kill(signal);

      expect(await run.exited).toEqual({ code, signal: null });
      expect([...dovecotPids, ...childPids].filter(isRunning)).toEqual([]);
      expect(existsSync(root)).toBe(false);
      expect(readdirSync(recordsDir)).toEqual([]);
    });
  }
});
