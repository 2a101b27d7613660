// The after-hook body of every test file that starts Dovecots. A test that times out goes on running
// in the background and never reaches its own clean-up: whatever Dovecot this process still has is
// stopped here (each by its PID, only our own), the file's folders are removed, and the file fails if
// anything had been left running.
import { rmSync } from "node:fs";
import { expect } from "vitest";
import { dropSettledRecords } from "../../rehearsal/dovecot/instance-records";
import { liveDovecotPids, stopAllDovecots } from "../../rehearsal/dovecot/live-instances";
import { ourDovecotProcesses } from "./stack-fixture";

/** Runs the file's own clean-up and checks, then (even when they failed) stops what is left and removes `folders`. */
export async function settleDovecots(own: () => unknown = () => undefined, folders: () => readonly string[] = () => []): Promise<void> {
  let left: number[] | undefined;
  try {
    await own();
  } finally {
    left = liveDovecotPids();
    // The folders of Dovecots left running: their owner's clean-up (removing them) never came.
    const abandoned = await stopAllDovecots();
    for (const folder of [...folders(), ...abandoned]) rmSync(folder, { recursive: true, force: true });
    dropSettledRecords();
  }
  expect(left, "Dovecots the tests left running (now stopped)").toEqual([]);
  expect(ourDovecotProcesses()).toEqual([]);
}
