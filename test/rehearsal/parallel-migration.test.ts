// The Indexed Job's per-mailbox units on real Dovecots (needs Dovecot 2.3): the wave's rendered
// migrate.sh runs once per index in parallel workers, as the Job's pods do. One worker is killed
// mid-copy (SIGKILL to its whole process group, sh and doveadm, as a node losing a pod); it leaves no
// state, the other mailboxes finish on their own, and the rerun of that one index completes it. Then
// every target holds each of its own source's messages exactly once (fingerprint and Message-ID):
// 0 lost, 0 duplicated, nothing foreign, and the rerun touched no other mailbox.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { doveadmCommands } from "@oxmig/core/lifecycle";
import type { Binding } from "@oxmig/core/model";
import { endpointsOf } from "../../rehearsal/verification/endpoints";
import { readMailbox } from "../../rehearsal/dovecot/imap-read";
import { startIndex, type IndexRun, type StartedIndex } from "../../rehearsal/migration/indexed-run";
import { newRunSecret } from "../../rehearsal/migration/keys";
import { rehearsalPaths, writeIndexedScript } from "../../rehearsal/migration/migrate";
import { pairingsFor, sourceUsersFor, startRehearsal, type Rehearsal } from "../../rehearsal/rehearse";
import { mkdtempOwned } from "../../rehearsal/dovecot/run-as";
import { FINGERPRINT_HEADER } from "../../rehearsal/migration/seed";
import { settleDovecots } from "./dovecot-guard";
import { tinyBindings, tinyEvidence } from "./fixture-bindings";

const MAILBOXES = 4;
const VICTIM = 1;
/** Enough for the victim's copy to be well under way, not done, when its first batch is committed. */
const VICTIM_MESSAGES = 1200;
const OTHERS_MESSAGES = 15;
const roots: string[] = [];
const started: StartedIndex[] = [];

/** Ends every process group this file started that still runs (by its PID, only ours). */
function endStarted(): void {
  for (const s of started) {
    try {
      process.kill(-s.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

afterAll(() => settleDovecots(endStarted, () => roots));

const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Files of committed messages under a home's Maildir (new and cur of every folder), counted on disk. */
function messageFiles(home: string): string[] {
  const maildir = join(home, "Maildir");
  const folders = existsSync(maildir) ? ["", ...readdirSync(maildir).filter((f) => f.startsWith("."))] : [];
  return folders.flatMap((f) =>
    ["new", "cur"].flatMap((d) => {
      const at = join(maildir, f, d);
      return existsSync(at) ? readdirSync(at).map((name) => join(at, name)) : [];
    }),
  );
}

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within a minute`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Each fingerprint and Message-ID of `b`'s target, counted; and whether a foreign source's mail is there. */
async function heldBy(rehearsal: Rehearsal, b: Binding): Promise<{ prints: Map<string, number>; ids: Map<string, number>; foreign: number }> {
  const { messages, readError } = await readMailbox(endpointsOf(rehearsal.target), b.dovecotLogin);
  expect(readError).toBeUndefined();
  const prints = new Map<string, number>();
  const ids = new Map<string, number>();
  let foreign = 0;
  for (const m of messages) {
    const print = new RegExp(`^${FINGERPRINT_HEADER}: (\\S+)`, "mi").exec(m.source ?? "")?.[1] ?? "none";
    const id = /^Message-ID: (\S+)/im.exec(m.source ?? "")?.[1] ?? "none";
    if (!print.startsWith(`${b.source.exchangeGuid}/`)) foreign++;
    prints.set(print, (prints.get(print) ?? 0) + 1);
    ids.set(id, (ids.get(id) ?? 0) + 1);
  }
  return { prints, ids, foreign };
}

describe("parallel per-mailbox migration on real Dovecots", () => {
  it(
    "a worker killed mid-copy is completed by the rerun of its index: 0 lost, 0 duplicated, no other mailbox touched again",
    { timeout: 240_000 },
    async () => {
      const root = mkdtempOwned("oxmig-parallel-test-");
      roots.push(root);
      const bindings = tinyBindings(MAILBOXES, join(root, "target", "vmail"));
      const rehearsal = await startRehearsal({ bindings, root, runSecret: newRunSecret(), evidence: tinyEvidence(bindings) });
      try {
        const users = sourceUsersFor(bindings);
        const seeded = bindings.map((_, i) => (i === VICTIM ? VICTIM_MESSAGES : OTHERS_MESSAGES));
        await rehearsal.seed(
          OTHERS_MESSAGES,
          users.filter((_, i) => i !== VICTIM),
        );
        await rehearsal.seed(VICTIM_MESSAGES, [users[VICTIM]!]);
        // The copying wave's own script, index i for pair i, state per mailbox.
        const paths = rehearsalPaths(rehearsal.source, rehearsal.target);
        const commands = doveadmCommands("copying", pairingsFor(bindings), paths);
        const script = writeIndexedScript(rehearsal.target.dir, "copying", commands);
        const stateOf = (i: number) => commands[i]!.stateFile;

        // Every index at once (parallelism 4). dsync commits every 100 messages (dsync_commit_msgs_interval,
        // Dovecot 2.3's default): the victim is killed once its first batch is committed, so its target is
        // left partly copied, the case a rerun could duplicate.
        const runs = bindings.map((_, i) => startIndex(script, i));
        started.push(...runs);
        const victim = bindings[VICTIM]!;
        await until("the victim's first committed messages", () => messageFiles(victim.home).length > 0);
        process.kill(-runs[VICTIM]!.pid, "SIGKILL");
        const first: IndexRun[] = await Promise.all(runs.map((r) => r.done));
        await until("the victim's process group to end", () => !groupAlive(runs[VICTIM]!.pid));

        expect(first[VICTIM]).toMatchObject({ exitCode: null, signal: "SIGKILL" });
        expect(first.filter((_, i) => i !== VICTIM).map((r) => [r.exitCode, r.stdout])).toEqual(
          commands.filter((_, i) => i !== VICTIM).map((c) => [0, `done ${c.mailboxId} (index ${commands.indexOf(c)})\n`]),
        );
        // Killed mid-copy: incomplete on the target, and no state (a cut-over would refuse this pair).
        const atKill = (await heldBy(rehearsal, victim)).prints.size;
        expect(atKill).toBeGreaterThan(0);
        expect(atKill).toBeLessThan(VICTIM_MESSAGES);
        expect(existsSync(stateOf(VICTIM))).toBe(false);

        // The rerun of that index only.
        const others = bindings.map((b, i) =>
          i === VICTIM ? undefined : { state: readFileSync(stateOf(i), "utf8"), mtime: statSync(stateOf(i)).mtimeMs, files: messageFiles(b.home).sort() },
        );
        const rerun = startIndex(script, VICTIM);
        started.push(rerun);
        const rerunResult = await rerun.done;
        expect(rerunResult, `the rerun's stderr:\n${rerunResult.stderr}`).toMatchObject({
          exitCode: 0,
          stdout: `done ${victim.mailboxId} (index ${VICTIM})\n`,
        });
        expect(readFileSync(stateOf(VICTIM), "utf8")).not.toBe("");
        bindings.forEach((b, i) => {
          if (i === VICTIM) return;
          expect({ state: readFileSync(stateOf(i), "utf8"), mtime: statSync(stateOf(i)).mtimeMs, files: messageFiles(b.home).sort() }, b.dovecotLogin).toEqual(
            others[i],
          );
        });

        // Every mailbox: each own message exactly once, by fingerprint and by Message-ID; nothing foreign.
        for (const [i, b] of bindings.entries()) {
          const { prints, ids, foreign } = await heldBy(rehearsal, b);
          const expected = Array.from({ length: seeded[i]! }, (_, n) => `${b.source.exchangeGuid}/${n + 1}`).sort();
          expect({
            login: b.dovecotLogin,
            foreign,
            lost: expected.filter((p) => !prints.has(p)).length,
            duplicated: [...prints.values(), ...ids.values()].filter((c) => c > 1).length,
            messages: [...prints.keys()].sort(),
          }).toEqual({ login: b.dovecotLogin, foreign: 0, lost: 0, duplicated: 0, messages: expected });
          expect(ids.size).toBe(seeded[i]);
        }
      } finally {
        endStarted();
        await rehearsal.stop();
      }
    },
  );
});
