// The wave lifecycle on real Dovecots (needs Dovecot 2.3): the protocol of core/lifecycle.ts keeps every
// message exactly once, and each mistake it forbids really does the damage on Dovecot 2.3.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { DovecotInstance } from "../../rehearsal/dovecot/dovecot-instance";
import { parseFault } from "../../rehearsal/migration/faults";
import { runLifecycleRehearsal, TARGET_MAIL_PER_MAILBOX } from "../../rehearsal/lifecycle/run";
import { mkdtempOwned } from "../../rehearsal/dovecot/run-as";
import { tinyBindings, tinyEvidence } from "./fixture-bindings";
import { settleDovecots } from "./dovecot-guard";

const MAILBOXES = 3;
const SEEDED = 2;
const roots: string[] = [];

afterAll(() => settleDovecots(undefined, () => roots));

async function lifecycle(inject?: string) {
  const root = mkdtempOwned("oxmig-lifecycle-test-");
  roots.push(root);
  const started: DovecotInstance[] = [];
  const bindings = tinyBindings(MAILBOXES, join(root, "target", "vmail"));
  const result = await runLifecycleRehearsal({
    bindings,
    root,
    evidence: tinyEvidence(bindings),
    messagesPerMailbox: SEEDED,
    faults: inject ? [parseFault(inject)] : [],
    onStarted: (d) => started.push(d),
  });
  await Promise.all(started.map((d) => d.stop()));
  const step = (name: string) => result.timings.find((t) => t.phase.startsWith(name))!;
  return { ...result, step };
}

const perMailboxAtEnd = SEEDED + 2 + TARGET_MAIL_PER_MAILBOX;

describe.concurrent("wave lifecycle on real Dovecots", () => {
  it("copies, cuts over and syncs with zero lost, duplicated or foreign messages and keeps all target mail", { timeout: 30_000 }, async () => {
    const { findings, counts, pairs, step } = await lifecycle();
    expect(findings.filter((f) => !f.ok)).toEqual([]);
    expect(counts).toEqual({ lost: 0, duplicated: 0, targetOnlyLost: 0, foreign: 0 });
    expect(pairs.every((p) => p.ok)).toBe(true);
    expect(pairs.filter((p) => p.label === "sync -1 -R")).toHaveLength(2 * MAILBOXES);
    expect(step("final copy").messages).toBe(MAILBOXES * (SEEDED + 1));
    expect(step("sync 2").messages).toBe(MAILBOXES * perMailboxAtEnd);
    expect(new Set(findings.map((f) => f.check))).toEqual(new Set(["userdb", "key", "canary", "body-readable", "lifecycle"]));
  });

  it("a backup -R after cut-over destroys the mail delivered to the target (the danger is real)", { timeout: 30_000 }, async () => {
    const { counts, pairs, step } = await lifecycle("backup-after-cut-over");
    expect(counts.targetOnlyLost).toBe(MAILBOXES * TARGET_MAIL_PER_MAILBOX);
    expect(step("mail to target").messages).toBeGreaterThan(step("sync 2").messages!);
    expect(pairs.filter((p) => p.label === "backup -R" && !p.ok).map((p) => p.stderr)).toContainEqual(expect.stringMatching(/INBOX can't be deleted/));
  });

  it("a sync -1 -R without the saved state duplicates mail", { timeout: 30_000 }, async () => {
    const { counts, step, findings } = await lifecycle("sync-without-state");
    expect(counts.duplicated).toBeGreaterThan(0);
    expect(step("sync 2").messages).toBeGreaterThan(MAILBOXES * perMailboxAtEnd);
    expect(findings.find((f) => f.check === "lifecycle" && !f.ok)?.detail).toMatch(/source message\(s\) duplicated/);
  });
});
