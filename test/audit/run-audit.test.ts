// The audit and clean on real Dovecot 2.3: a source seeded with fingerprinted mail, a mail_crypt
// target with the doveadm HTTP API, a wrong pairing applied on purpose (as if the gate had been
// bypassed), new mail delivered to the targets after cut-over.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyClean, cleanPlan } from "../../audit/clean";
import { runAudit, type AuditInput } from "../../audit/run-audit";
import type { SourceImap } from "../../audit/source-mail";
import { readTargetMail } from "../../audit/target-mail";
import { foundForeign, incomplete, type HeldMessage } from "@oxmig/core/audit";
import type { Binding } from "@oxmig/core/model";
import { newRunSecret } from "../../rehearsal/migration/keys";
import { deliverLmtp, rawMessage } from "../../rehearsal/dovecot/lmtp";
import { pairingsFor, startRehearsal, type Rehearsal } from "../../rehearsal/rehearse";
import { mkdtempOwned } from "../../rehearsal/dovecot/run-as";
import { endpointsOf } from "../../rehearsal/verification/endpoints";
import { settleDovecots } from "../rehearsal/dovecot-guard";
import { tinyBindings, tinyEvidence } from "../rehearsal/fixture-bindings";

const SEEDED = 3;
let root: string;
let rehearsal: Rehearsal;
let bindings: Binding[];
let input: AuditInput;

/** user01's target gets user02's source and the other way round; user03 and user04 are right. */
function swappedPairings(all: readonly Binding[]) {
  const pairings = pairingsFor(all);
  const [a, b] = [pairings[0]!, pairings[1]!];
  pairings[0] = { ...a, sourceLogin: b.sourceLogin, sourceExchangeGuid: b.sourceExchangeGuid };
  pairings[1] = { ...b, sourceLogin: a.sourceLogin, sourceExchangeGuid: a.sourceExchangeGuid };
  return pairings;
}

async function deliverAfterCutOver(logins: readonly string[]) {
  const outcomes = await deliverLmtp(
    endpointsOf(rehearsal.target).lmtp,
    logins.map((login, i) => ({
      recipient: login,
      raw: rawMessage(
        {
          To: `${login}@corp.example`,
          Subject: "After cut-over",
          "Message-ID": `<after-${i}@corp.example>`,
          Date: new Date(Date.UTC(2026, 10, 1)).toUTCString(),
        },
        "New mail.\n",
      ),
    })),
  );
  expect(outcomes.every((o) => o.ok)).toBe(true);
}

async function guidsOf(login: string): Promise<string[]> {
  const read = await readTargetMail(rehearsal.target.doveadmHttp!, login);
  if (!("messages" in read)) throw new Error(read.error);
  return read.messages.map((m: HeldMessage) => m.guid!).sort();
}

beforeAll(async () => {
  root = mkdtempOwned("oxmig-audit-test-");
  bindings = tinyBindings(4, join(root, "target", "vmail"));
  const evidence = tinyEvidence(bindings);
  rehearsal = await startRehearsal({ bindings, root, runSecret: newRunSecret(), evidence, doveadmHttp: true });
  await rehearsal.seed(SEEDED);
  const results = await rehearsal.migrate(swappedPairings(bindings));
  expect(results.every((r) => r.ok)).toBe(true);
  await deliverAfterCutOver(bindings.map((b) => b.dovecotLogin));
  const source: SourceImap = {
    host: "127.0.0.1",
    port: rehearsal.source.imapPort,
    security: "none",
    masterUser: rehearsal.source.masterUser.login,
    masterPassword: rehearsal.source.masterUser.password,
  };
  // user04 is in the target's userdb but not in the plan: undeclared.
  input = {
    bindings: bindings.slice(0, 3),
    declaredLogins: new Set(bindings.slice(0, 3).map((b) => b.dovecotLogin)),
    evidence,
    target: rehearsal.target.doveadmHttp!,
    source,
  };
}, 60_000);

afterAll(() =>
  settleDovecots(
    () => rehearsal?.stop(),
    () => (root ? [root] : []),
  ),
);

// Steps of one scenario on one rehearsal, in order: the audits and the dry run read the swapped mail that the clean then removes.
describe("a wave migrated with two owners swapped: audited, then cleaned", { shuffle: false }, () => {
  describe("audit of a wave migrated with two owners swapped", () => {
    it("names both people whose mail was swapped, with counts, and leaves the right mailbox clean", async () => {
      const result = await runAudit(input);
      const byLogin = new Map(result.verdicts.map((v) => [v.login, v]));
      const first = byLogin.get("user01")!;
      expect(first).toMatchObject({ status: "foreign", own: 0, unattributed: 1 });
      expect(first.status === "foreign" && first.foreign.map((f) => [f.owner, f.messages.length])).toEqual([[expect.stringContaining("User 2"), SEEDED]]);
      expect(first.reader).toContain("User 1");
      const second = byLogin.get("user02")!;
      expect(second.status === "foreign" && second.foreign[0]!.owner).toContain("User 1");
      expect(byLogin.get("user03")).toMatchObject({ status: "clean", own: SEEDED, unattributed: 1 });
      expect(foundForeign(result)).toBe(true);
      expect(incomplete(result)).toBe(false);
    });

    it("reports a target the plan does not declare, and what it holds", async () => {
      const result = await runAudit(input);
      expect(result.undeclared).toEqual(["user04"]);
      // user04's own source is not among the audited ones: its mail is unattributed, nothing foreign.
      expect(result.verdicts.find((v) => v.login === "user04")).toMatchObject({ declared: false, status: "adoptable", unattributed: SEEDED + 1 });
    });

    it("is incomplete, not clean, when the target cannot be reached", async () => {
      const unreachable = { ...input.target, url: input.target.url.replace(/:\d+\//, ":1/") };
      const result = await runAudit({ ...input, target: unreachable }).catch((err: Error) => err);
      expect(result).toBeInstanceOf(Error);
      const partly = await runAudit({ ...input, source: { ...input.source, port: 1 } });
      expect(incomplete(partly)).toBe(true);
      expect(partly.unreadableSources).toHaveLength(3);
    });
  });

  describe("clean after the audit", () => {
    it("dry run: plans exactly the foreign messages and touches nothing", async () => {
      const before = await guidsOf("user01");
      const plan = cleanPlan(await runAudit(input));
      expect(plan.map((p) => p.login).sort()).toEqual([...Array(SEEDED).fill("user01"), ...Array(SEEDED).fill("user02")]);
      expect(await guidsOf("user01")).toEqual(before);
    });

    it("survives an unreachable target and an interruption, removes exactly the foreign mail on rerun, and leaves clean mailboxes untouched", async () => {
      const log = join(root, "clean.jsonl");
      const untouched = await guidsOf("user03");
      const plan = cleanPlan(await runAudit(input));
      // The target goes away: the first removal fails, the run stops, the log says so.
      const unreachable = { ...input.target, url: input.target.url.replace(/:\d+\//, ":1/") };
      const failed = await applyClean(plan, unreachable, log);
      expect(failed).toHaveLength(1);
      expect(failed[0]!.removed).toBe(false);
      // Interrupted after two removals.
      const partial = await applyClean(plan.slice(0, 2), input.target, log);
      expect(partial.every((o) => o.removed)).toBe(true);
      // Rerun: a fresh audit plans only what is left.
      const rest = cleanPlan(await runAudit(input));
      expect(rest).toHaveLength(plan.length - 2);
      expect((await applyClean(rest, input.target, log)).every((o) => o.removed)).toBe(true);

      const after = await runAudit(input);
      expect(foundForeign(after)).toBe(false);
      const byLogin = new Map(after.verdicts.map((v) => [v.login, v]));
      // The mail delivered after cut-over is still there; the clean mailbox is byte-for-byte the same set.
      expect(byLogin.get("user01")).toMatchObject({ status: "clean", own: 0, unattributed: 1 });
      expect(byLogin.get("user02")).toMatchObject({ status: "clean", own: 0, unattributed: 1 });
      expect(await guidsOf("user03")).toEqual(untouched);

      const entries = readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(entries.filter((e) => e.event === "removed")).toHaveLength(plan.length);
      expect(entries.every((e) => typeof e.messageId === "string" && e.guid && !("subject" in e))).toBe(true);
    });
  });
});
