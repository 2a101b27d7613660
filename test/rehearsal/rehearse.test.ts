// Real Dovecots on loopback (needs dovecot-core, -imapd, -lmtpd installed): each test breaks one
// link of the binding chain and expects verification to name both people involved.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Binding } from "@oxmig/core/model";
import { endpointsOf } from "../../rehearsal/verification/endpoints";
import { readMailbox } from "../../rehearsal/dovecot/imap-read";
import { newRunSecret } from "../../rehearsal/migration/keys";
import { isRunning } from "../../rehearsal/dovecot/process-info";
import { pairingsFor, startRehearsal, userdbLinesFor, type Rehearsal, type RehearsalInput } from "../../rehearsal/rehearse";
import { mkdtempOwned } from "../../rehearsal/dovecot/run-as";
import type { Finding } from "../../rehearsal/verification/types";
import { renderUserdb } from "@oxmig/core/userdb";
import { settleDovecots } from "./dovecot-guard";
import { tinyBindings, tinyEvidence } from "./fixture-bindings";

const PER_MAILBOX = 2;
let running: Rehearsal | undefined;
let roots: string[] = [];

/** A temp root, removed after the test even when the test times out before its rehearsal is up. */
function newRoot(): string {
  const root = mkdtempOwned("oxmig-rehearsal-test-");
  roots.push(root);
  return root;
}

async function setUp(count: number, tweak: (input: RehearsalInput) => RehearsalInput = (i) => i) {
  const root = newRoot();
  const bindings = tinyBindings(count, join(root, "target", "vmail"));
  const runSecret = newRunSecret();
  const rehearsal = await startRehearsal(tweak({ bindings, root, runSecret, evidence: tinyEvidence(bindings) }));
  running = rehearsal;
  await rehearsal.seed(PER_MAILBOX);
  return { rehearsal, bindings, runSecret };
}

/** Stops both Dovecots and asserts that neither master nor any of its children survived; a test that timed out is settled too. */
afterEach(async () => {
  const rehearsal = running;
  const folders = roots;
  running = undefined;
  roots = [];
  await settleDovecots(
    async () => {
      if (!rehearsal) return;
      const pids = [rehearsal.source, rehearsal.target].flatMap((d) => [d.pid, ...d.childPids()]);
      expect(pids.length).toBeGreaterThan(2);
      await rehearsal.stop();
      // A child that ended after its master is a zombie until init reaps it: ended, so not counted.
      expect(pids.filter(isRunning)).toEqual([]);
    },
    () => folders,
  );
});

const failed = (findings: Finding[], b: Binding) => findings.filter((f) => !f.ok && f.mailboxId === b.mailboxId);
const mentions = (findings: Finding[], b: Binding) => findings.some((f) => f.detail.includes(b.mailboxId));

describe("rehearsal on real Dovecots", () => {
  it("passes a clean migration of three mailboxes: canaries, fingerprints, bodies and encryption all fine", async () => {
    const { rehearsal } = await setUp(3);
    const pairs = await rehearsal.migrate();
    expect(pairs.map((p) => [p.pairing.targetLogin, p.exitCode])).toEqual([
      ["user01", 0],
      ["user02", 0],
      ["user03", 0],
    ]);
    const findings = await rehearsal.verify({ seededPerMailbox: PER_MAILBOX });
    expect(findings.filter((f) => !f.ok)).toEqual([]);
    expect(new Set(findings.map((f) => f.check))).toEqual(new Set(["canary", "fingerprint", "encryption", "body-readable", "key"]));
    expect(findings).toHaveLength(15);
    const after = await readMailbox(endpointsOf(rehearsal.target), "user01");
    expect(after.messages.map((m) => m.subject).sort()).toEqual(["Seeded message 1", "Seeded message 2"]);
  });

  it("fails when a userdb line points to another person's home, naming both people", async () => {
    const { rehearsal, bindings } = await setUp(3, (input) => {
      const lines = userdbLinesFor(input.bindings, input.runSecret);
      return { ...input, userdbLines: lines.map((l, i) => (i === 0 ? { ...l, home: lines[1]!.home } : l)) };
    });
    await rehearsal.migrate();
    const findings = await rehearsal.verify({ seededPerMailbox: PER_MAILBOX });
    const [user01, user02, user03] = bindings as [Binding, Binding, Binding];
    expect(mentions(failed(findings, user01), user02)).toBe(true);
    expect(mentions(failed(findings, user02), user01)).toBe(true);
    expect(failed(findings, user03)).toEqual([]);
  });

  it("fails with unreadable bodies when two key passwords are swapped after the keys were made", async () => {
    const { rehearsal, bindings, runSecret } = await setUp(3);
    expect((await rehearsal.migrate()).every((p) => p.ok)).toBe(true);
    const lines = userdbLinesFor(bindings, runSecret);
    const swapped = lines.map((l, i) => (i < 2 ? { ...l, keyPassword: lines[1 - i]!.keyPassword } : l));
    await rehearsal.target.replaceUserdb(renderUserdb(swapped));
    const findings = await rehearsal.verify({ seededPerMailbox: PER_MAILBOX });
    const [user01, user02, user03] = bindings as [Binding, Binding, Binding];
    for (const b of [user01, user02]) expect(failed(findings, b).map((f) => f.check)).toContain("body-readable");
    expect(failed(findings, user03)).toEqual([]);
  });

  it("judges by the exports, not the plan: a plan giving two people each other's source fails, naming whose mail and how much", async () => {
    const root = newRoot();
    const truth = tinyBindings(3, join(root, "target", "vmail"));
    const evidence = tinyEvidence(truth);
    // The plan's mistake: owners user01 and user02 keep their targets but get each other's Exchange source.
    const plan = truth.map((b, i) => (i < 2 ? { ...b, source: truth[1 - i]!.source } : b));
    const rehearsal = await startRehearsal({ bindings: plan, root, runSecret: newRunSecret(), evidence });
    running = rehearsal;
    await rehearsal.seed(PER_MAILBOX);
    expect((await rehearsal.migrate()).every((p) => p.ok)).toBe(true);
    const findings = (await rehearsal.verify({ seededPerMailbox: PER_MAILBOX })).filter((f) => f.check === "fingerprint");
    const [user01, user02, user03] = plan as [Binding, Binding, Binding];
    expect(failed(findings, user01)[0]?.detail).toContain(`mailbox of User 1 <user01@corp.example>`);
    expect(failed(findings, user01)[0]?.detail).toContain(`holds foreign mail: ${PER_MAILBOX} message(s) of User 2 <user02@corp.example> (user02, corp`);
    expect(failed(findings, user02)[0]?.detail).toContain(`${PER_MAILBOX} message(s) of User 1 <user01@corp.example>`);
    expect(failed(findings, user03)).toEqual([]);
  });

  it("fails on foreign fingerprints when two migration pairs are swapped, naming both people", async () => {
    const { rehearsal, bindings } = await setUp(3);
    const pairings = pairingsFor(bindings);
    const crossed = pairings.map((p, i) => (i < 2 ? { ...p, targetLogin: pairings[1 - i]!.targetLogin } : p));
    expect((await rehearsal.migrate(crossed)).every((p) => p.ok)).toBe(true);
    const findings = (await rehearsal.verify({ seededPerMailbox: PER_MAILBOX })).filter((f) => f.check === "fingerprint");
    const [user01, user02, user03] = bindings as [Binding, Binding, Binding];
    expect(mentions(failed(findings, user01), user02)).toBe(true);
    expect(mentions(failed(findings, user02), user01)).toBe(true);
    expect(failed(findings, user03)).toEqual([]);
  });
});
