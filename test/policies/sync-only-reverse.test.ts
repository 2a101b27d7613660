import fs from "node:fs";
import path from "node:path";
import { describe, it, expect } from "vitest";
import { renderLock, type LockEntry } from "@oxmig/core/lock";
import { waveConfigData } from "../../infra/components/wave";
import { syncOnlyReverse } from "../../policies/rules/sync-only-reverse";
import { config, expectNone, expectViolation, run } from "./helpers";
import { dataOf, editScript, waveResources, PAIRINGS } from "./lifecycle-fixtures";
import { policyTempDir } from "./temp-dirs";
import type { ResourceRecord } from "../fixtures/policies/plan";

describe("sync-only-reverse", () => {
  it("accepts the rendered backup -R and sync -1 -R", async () => {
    expectNone(await run(syncOnlyReverse, [...waveResources("w01", { phase: "copying" }), ...waveResources("w02", { phase: "cut-over" })]));
  });
  it("sync -1 without -R (target → source)", async () => {
    const records = waveResources("w02", { phase: "cut-over" });
    editScript(records, "'sync' '-1' '-R'", "'sync' '-1'");
    expectViolation(await run(syncOnlyReverse, records), "wave w02", "rule sync-only-reverse", "without -R");
  });
  it("a two-way sync -R without -1", async () => {
    const records = waveResources("w02", { phase: "cut-over" });
    editScript(records, "'sync' '-1' '-R'", "'sync' '-R'");
    expectViolation(await run(syncOnlyReverse, records), "wave w02", "without -1 is two-way");
  });
  it("accepts -1R clustered, rejects backup without -R and other subcommands", async () => {
    const clustered = waveResources("w02", { phase: "cut-over" });
    editScript(clustered, /'sync' '-1' '-R'/g, "'sync' '-1R'");
    expectNone(await run(syncOnlyReverse, clustered));
    const forward = waveResources("w01", { phase: "copying" });
    editScript(forward, "'backup' '-R'", "'backup'");
    expectViolation(await run(syncOnlyReverse, forward), "wave w01", "doveadm backup without -R");
    const other = waveResources("w01", { phase: "copying" });
    editScript(other, "'backup' '-R' '-s' ''", "'expunge'");
    expectViolation(await run(syncOnlyReverse, other), "runs doveadm expunge");
  });
});

const messages = async (records: readonly ResourceRecord[]) => (await run(syncOnlyReverse, records)).map((v) => v.message);
const perPair = (wave: string, text: string) => PAIRINGS.map((p) => `wave ${wave} (rule sync-only-reverse): mailbox ${p.mailboxId}: ${text}`);
function edited(wave: string, phase: "copying" | "cut-over", from: RegExp, to: string): ResourceRecord[] {
  const records = waveResources(wave, { phase });
  editScript(records, from, to);
  return records;
}

describe("sync-only-reverse branches", () => {
  it("registered under a name or description that does not say what it checks", () => {
    expect(syncOnlyReverse.name).toBe("sync-only-reverse");
    expect(syncOnlyReverse.enforcementLevel).toBe("mandatory");
    expect(syncOnlyReverse.description).toMatch(/one-way with -1 -R/);
  });
  it("the exact messages for each wrong direction, at the wave's ConfigMap", async () => {
    const violations = await run(syncOnlyReverse, edited("w01", "copying", /'backup' '-R'/g, "'backup'"));
    expect(violations.map((v) => v.message)).toEqual(perPair("w01", "doveadm backup without -R writes target → source (Exchange); every run must carry -R"));
    expect(new Set(violations.map((v) => v.urn))).toEqual(new Set(["urn:pulumi:test::oxmig::kubernetes:core/v1:ConfigMap::pairings-w01"]));
    expect(await messages(edited("w02", "cut-over", /'sync' '-1' '-R'/g, "'sync' '-1'"))).toEqual(
      perPair("w02", "doveadm sync without -R writes target → source (Exchange); every run must carry -R"),
    );
    expect(await messages(edited("w02", "cut-over", /'sync' '-1' '-R'/g, "'sync' '-R'"))).toEqual(
      perPair("w02", "doveadm sync without -1 is two-way and writes into the source; use sync -1 -R"),
    );
  });
  it("the exact messages for another program or another doveadm subcommand", async () => {
    expect(await messages(edited("w01", "copying", /'doveadm'/g, "'rsync'"))).toEqual(perPair("w01", "the script runs rsync, not doveadm"));
    expect(await messages(edited("w01", "copying", /'backup' '-R' '-s' ''/g, "'expunge'"))).toEqual(
      perPair("w01", "the script runs doveadm expunge; only backup -R and sync -1 -R may run"),
    );
    expect(await messages(edited("w02", "cut-over", /'-s' '@state@' '-u' 'mmueller' 'imapc:'/g, "'-s'"))).toEqual([
      `wave w02 (rule sync-only-reverse): mailbox ${PAIRINGS[0]!.mailboxId}: the script option -s lacks its value`,
    ]);
  });
  it("a backup -R with -1 is accepted (only sync needs -1)", async () => {
    expect(await messages(edited("w01", "copying", /'backup' '-R'/g, "'backup' '-1R'"))).toEqual([]);
  });
  it("a script that is not the rendered one is rejected as such, its pair lines not judged", async () => {
    const records = edited("w01", "copying", /'backup' '-R'/g, "'backup'");
    editScript(records, "set -u", "set -u\necho edited");
    const found = await messages(records);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^wave w01 \(rule sync-only-reverse\): migrate\.sh is not the rendered script: line \d+ differs/);
  });
});

// A re-migration (plan `remigrate:`) runs `doveadm import` in a pair line of kind remigrate: allowed only
// as the exact rendered import and only for a mailbox whose reviewed lock entry records remigrate.
describe("sync-only-reverse and re-migrations (pair kind remigrate)", () => {
  const REASON = "INC-2026-0042: corrected pairing, cleaned";
  const remigrating = PAIRINGS.map((p, i) => (i === 1 ? { ...p, remigrate: REASON } : p));
  /** The wave as rendered for pairings where the second pair is re-migrated. */
  function remigrationWave(phase: "copying" | "cut-over"): ResourceRecord[] {
    const records = waveResources("w02", { phase });
    const data = waveConfigData({ wave: { name: "w02", context: "luebeck", phase }, pairings: remigrating, sourceImapHost: "exchange.corp.example" });
    Object.assign(dataOf(records), { "migrate.sh": data["migrate.sh"], "pairings.json": data["pairings.json"] });
    return records;
  }
  /** A lock whose entries are the fixture pairs; `remigrate` on the ids given. */
  function lockWith(remigrateIds: readonly string[]): string {
    const file = path.join(policyTempDir("oxmig-remigrate-lock-"), "bindings.lock.yaml");
    const mailboxes: LockEntry[] = PAIRINGS.map((p) => ({
      mailbox: p.mailboxId,
      kind: "personal",
      wave: "w02",
      context: "luebeck",
      owner: { id: p.mailboxId, uid: p.targetLogin },
      source: { address: p.sourceLogin, exchangeGuid: p.sourceExchangeGuid },
      login: p.targetLogin,
      home: `/var/vmail/${p.mailboxId}`,
      key: { name: `key-${p.mailboxId}`, keeper: p.mailboxId },
      addresses: [p.sourceLogin],
      ...(remigrateIds.includes(p.mailboxId) ? { remigrate: REASON } : {}),
      phase: "cut-over",
    }));
    fs.writeFileSync(file, renderLock({ lockVersion: 2, stack: "staging", contexts: {}, waves: { w02: { phase: "cut-over" } }, mailboxes, retired: [] }));
    return file;
  }
  const jan = PAIRINGS[1]!;
  const judged = async (records: readonly ResourceRecord[], lock?: string) =>
    (await run(syncOnlyReverse, records, config(lock ? { lock } : {}))).map((v) => v.message);

  it("accepts the rendered import of a mailbox whose lock entry records remigrate, in copying and at cut-over", async () => {
    const script = dataOf(remigrationWave("cut-over"))["migrate.sh"]!;
    expect(script).toContain(
      `pair '${jan.mailboxId}' '/var/lib/oxmig/state/${jan.mailboxId}.state' 'remigrate' 'doveadm' '-c' '/etc/oxmig/doveadm.conf' '-o' 'imapc_user=${jan.sourceLogin}' 'import' '-u' 'jschmidt' 'imapc:' ''`,
    );
    expect(await judged(remigrationWave("cut-over"), lockWith([jan.mailboxId]))).toEqual([]);
    expect(await judged(remigrationWave("copying"), lockWith([jan.mailboxId]))).toEqual([]);
  });
  it("rejects an import of a mailbox the lock does not record as re-migrated, or without a lock", async () => {
    expect(await judged(remigrationWave("cut-over"), lockWith([]))).toEqual([
      `wave w02 (rule sync-only-reverse): mailbox ${jan.mailboxId}: the script re-migrates it with doveadm import, but its lock entry (jschmidt) records no remigrate; only a mailbox whose plan line carries remigrate: (recorded by oxmig lock and reviewed) is re-migrated by doveadm import`,
    ]);
    expect(await judged(remigrationWave("cut-over"))).toEqual([expect.stringContaining("but no binding lock is configured")]);
  });
  it("rejects a hand-edited import line: another source appended, a search added, a user mask, a fresh pair running import", async () => {
    const lock = lockWith([jan.mailboxId]);
    const edit = async (from: string, to: string) => {
      const records = remigrationWave("cut-over");
      editScript(records, from, to);
      return judged(records, lock);
    };
    expect(await edit("'imapc:' ''", "'imapc:' '' '-o' 'imapc_user=mmueller@corp.example'")).toEqual([
      expect.stringMatching(/migrate\.sh is not the rendered script: line \d+: runs .* not the rendered re-migration/),
    ]);
    expect(await edit("'imapc:' ''", "'imapc:' '' 'all'")).toEqual([expect.stringContaining("not the rendered re-migration")]);
    expect(await edit("'-u' 'jschmidt' 'imapc:' ''", "'-u' 'j*' 'imapc:' ''")).toEqual([expect.stringContaining("not one literal login each")]);
    expect(await edit("'remigrate' 'doveadm'", "'fresh' 'doveadm'")).toEqual([
      `wave w02 (rule sync-only-reverse): mailbox ${jan.mailboxId}: the script runs doveadm import; only backup -R and sync -1 -R may run`,
    ]);
  });
});
