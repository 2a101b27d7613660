// Rehearsal speed on real Dovecots: seed, migrate and verify, in ms per mailbox.
// Usage: node bin/run-ts.cjs bench/rehearsal.ts [mailboxes=50] [messagesPerMailbox=5]
import { rmSync } from "node:fs";
import { join } from "node:path";
import { newRunSecret } from "../rehearsal/keys";
import { startRehearsal } from "../rehearsal/rehearse";
import { mkdtempOwned } from "../rehearsal/run-as";
import { tinyBindings } from "../test/rehearsal/fixture-bindings";

async function bench(mailboxes: number, perMailbox: number): Promise<void> {
  const root = mkdtempOwned("oxmig-bench-");
  const bindings = tinyBindings(mailboxes, join(root, "target", "vmail"));
  const rehearsal = await startRehearsal({ bindings, root, runSecret: newRunSecret() });
  const timed = async <T>(label: string, step: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await step();
    const ms = performance.now() - started;
    console.log(`${label.padEnd(8)} ${ms.toFixed(0).padStart(6)} ms total  ${(ms / mailboxes).toFixed(1).padStart(6)} ms/mailbox`);
    return result;
  };
  try {
    console.log(`${mailboxes} mailboxes, ${perMailbox} messages each`);
    await timed("seed", () => rehearsal.seed(perMailbox));
    const pairs = await timed("migrate", () => rehearsal.migrate());
    const findings = await timed("verify", () => rehearsal.verify({ seededPerMailbox: perMailbox }));
    console.log(`failed pairs: ${pairs.filter((p) => !p.ok).length}, failed findings: ${findings.filter((f) => !f.ok).length} of ${findings.length}`);
  } finally {
    await rehearsal.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

void bench(Number(process.argv[2] ?? 50), Number(process.argv[3] ?? 5));
