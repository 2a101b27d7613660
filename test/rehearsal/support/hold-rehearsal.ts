// A child process for test/rehearsal/dovecot/reap.test.ts and signals.test.ts, started as
// `node bin/run-ts.cjs test/rehearsal/support/hold-rehearsal.ts <recordsDir>`. It provisions a
// one-mailbox rehearsal the way `oxmig rehearse` does (temp run folder, signal clean-up, both
// Dovecots, a migration so the target holds a real mail_crypt key), prints one JSON line saying
// where everything is, and then waits to be signalled or killed.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { newRunSecret } from "../../../rehearsal/migration/keys";
import { stopAllDovecots } from "../../../rehearsal/dovecot/live-instances";
import { startRehearsal } from "../../../rehearsal/rehearse";
import { mkdtempOwned } from "../../../rehearsal/dovecot/run-as";
import { cleanUpOnSignals } from "../../../rehearsal/dovecot/signals";
import { tinyBindings, tinyEvidence } from "../fixture-bindings";

export interface Held {
  readonly root: string;
  /** The two masters, and their children (login, lmtp, auth …). */
  readonly dovecotPids: number[];
  readonly childPids: number[];
  /** The target's mail_crypt key store and master password file (secrets that must not outlive the run). */
  readonly keyFile: string;
  readonly masterPasswordFile: string;
}

async function hold(recordsDir: string): Promise<void> {
  const root = mkdtempOwned("oxmig-hold-test-");
  cleanUpOnSignals(async () => rmSync(root, { recursive: true, force: true }));
  const bindings = tinyBindings(1, join(root, "target", "vmail"));
  const rehearsal = await startRehearsal({ bindings, root, runSecret: newRunSecret(), evidence: tinyEvidence(bindings), recordsDir });
  await rehearsal.seed(1);
  const [pair] = await rehearsal.migrate();
  if (!pair?.ok) throw new Error(`migration failed: ${pair?.stderr}`);
  const held: Held = {
    root,
    dovecotPids: [rehearsal.source.pid, rehearsal.target.pid],
    childPids: [...rehearsal.source.childPids(), ...rehearsal.target.childPids()],
    keyFile: join(bindings[0]!.home, "dovecot-attributes"),
    masterPasswordFile: join(rehearsal.target.dir, "master-users"),
  };
  process.stdout.write(`${JSON.stringify(held)}\n`);
  setInterval(() => undefined, 60_000);
}

const recordsDir = process.argv[2];
if (!recordsDir) throw new Error("usage: hold-rehearsal.ts <recordsDir>");
hold(recordsDir).catch(async (err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  await stopAllDovecots();
  process.exit(3);
});
