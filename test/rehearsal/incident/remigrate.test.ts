// The Job's re-migration on real Dovecot 2.3.19: a target filled from the WRONG source (its INBOX carries
// that source's UIDVALIDITY and the saved state), cleaned, with mail delivered after cut-over; then the
// pair line of kind remigrate of the rendered migrate.sh, run as its Indexed Job's pod, must import
// exactly what the rightful source holds and the target lacks — Message-IDs with folding, tabs, quotes
// and two Message-ID headers, messages without Message-ID, a second folder with an umlaut, more than one
// import batch — keep the mail delivered after cut-over, remove the saved state, and import nothing on a rerun.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pairing } from "@oxmig/core/contract";
import { stateFileFor } from "@oxmig/core/lifecycle";
import { UIDS_PER_IMPORT } from "@oxmig/core/migration-script";
import { mkdtempOwned } from "../../../rehearsal/dovecot/run-as";
import { importedBy } from "../../../rehearsal/incident/remigrate";
import { runPhase } from "../../../rehearsal/lifecycle/migrate";
import { newRunSecret } from "../../../rehearsal/migration/keys";
import { rehearsalPaths } from "../../../rehearsal/migration/migrate";
import { pairingsFor, startRehearsal, type Rehearsal } from "../../../rehearsal/rehearse";
import { settleDovecots } from "../dovecot-guard";
import { tinyBindings, tinyEvidence } from "../fixture-bindings";

const roots: string[] = [];
let r: Rehearsal;
let pairings: Pairing[];
afterAll(() =>
  settleDovecots(
    () => r?.stop(),
    () => roots,
  ),
);

/** Every message of a mailbox as "<folder> <Message-ID as JSON>", read with doveadm (config of the source or target). */
function held(conf: string, user: string): string[] {
  const out = execFileSync("doveadm", ["-c", conf, "-f", "json", "fetch", "-u", user, "mailbox hdr.message-id hdr.subject", "all"], { encoding: "utf8" });
  return (JSON.parse(out || "[]") as Record<string, string>[]).map((m) => `${m["mailbox"]} ${JSON.stringify(m["hdr.message-id"] || m["hdr.subject"])}`).sort();
}

function save(conf: string, user: string, folder: string, headers: string, body: string): void {
  execFileSync("doveadm", ["-c", conf, "save", "-u", user, "-m", folder], { input: `From: a@corp.example\r\n${headers}\r\n\r\n${body}\r\n` });
}

const WEIRD = [
  "Message-ID:\r\n <folded@corp.example>\r\nSubject: folded",
  "Message-ID: <tab\there@corp.example>\r\nSubject: tab",
  `Message-ID: <q'uo"te\\back (p) $x \`y\` *?@corp.example>\r\nSubject: quotes`,
  "Message-ID: <one@corp.example>\r\nMessage-ID: <two@corp.example>\r\nSubject: two ids",
  "Subject: no id 1",
  "Subject: no id 2",
  "Message-ID: \r\nSubject: empty id",
];

// Steps of one re-migration on one pair of Dovecots (first import, later mail, then the pair without remigrate): in order.
describe("the Job's re-migration (pair kind remigrate) on Dovecot 2.3.19", { shuffle: false }, () => {
  let own: Pairing;
  let afterCutOver: string;
  const run = () => runPhase({ phase: "cut-over", pairings: [own], ...rehearsalPaths(r.source, r.target) });

  beforeAll(async () => {
    const root = mkdtempOwned("oxmig-remigrate-test-");
    roots.push(root);
    const bindings = tinyBindings(2, join(root, "target", "vmail"));
    r = await startRehearsal({ bindings, root, runSecret: newRunSecret(), evidence: tinyEvidence(bindings) });
    pairings = pairingsFor(bindings);
    const [a, b] = pairings as [Pairing, Pairing];
    await r.seed(3);
    // The incident: a's target copied from b's source, cut over (state saved), mail delivered to it.
    const crossed = { ...a, sourceLogin: b.sourceLogin, sourceExchangeGuid: b.sourceExchangeGuid };
    expect((await r.migrate([crossed])).every((x) => x.ok)).toBe(true);
    save(r.target.confPath, a.targetLogin, "INBOX", "Message-ID: <after-cut-over@corp.example>\r\nSubject: after", "late");
    afterCutOver = `INBOX "<after-cut-over@corp.example>"`;
    // The clean: b's messages removed from a's mailbox.
    execFileSync("doveadm", ["-c", r.target.confPath, "expunge", "-u", a.targetLogin, "mailbox", "INBOX", "header", "message-id", b.sourceExchangeGuid]);
    // a's own source: odd Message-IDs, a second folder, and enough mail for more than one import batch.
    for (const headers of WEIRD) save(r.source.confPath, a.sourceLogin, "INBOX", headers, "x");
    execFileSync("doveadm", ["-c", r.source.confPath, "mailbox", "create", "-u", a.sourceLogin, "Ordner ä"]);
    save(r.source.confPath, a.sourceLogin, "Ordner ä", "Message-ID: <in-ordner@corp.example>\r\nSubject: o", "x");
    save(r.source.confPath, a.sourceLogin, "Ordner ä", "Subject: no id in ordner", "x");
    await r.seed(UIDS_PER_IMPORT, [{ login: a.sourceLogin, exchangeGuid: a.sourceExchangeGuid }], 4);
    own = { ...a, remigrate: "INC-2026-0042: corrected pairing, cleaned" };
  }, 120_000);

  it("imports exactly what the target lacks, keeps mail delivered after cut-over, and removes the wrong source's state", async () => {
    const sourceHad = held(r.source.confPath, own.sourceLogin);
    const [result] = await run();
    expect(result!.stderr.split("\n").filter((l) => !/Info: imapc/.test(l) && l.trim())).toEqual([]);
    expect(result!.ok).toBe(true);
    expect(result!.label).toBe("import");
    expect(importedBy(result!)).toBe(sourceHad.length);
    expect(held(r.target.confPath, own.targetLogin)).toEqual([...sourceHad, afterCutOver].sort());
    expect(existsSync(stateFileFor(rehearsalPaths(r.source, r.target).stateDir, own.mailboxId))).toBe(false);
  }, 120_000);

  it("imports only later source mail on the next run, and nothing on a rerun", async () => {
    save(r.source.confPath, own.sourceLogin, "INBOX", "Message-ID: <later@corp.example>\r\nSubject: later", "x");
    save(r.source.confPath, own.sourceLogin, "INBOX", "Subject: later without id", "x");
    const [next] = await run();
    expect(importedBy(next!)).toBe(2);
    const [rerun] = await run();
    expect(importedBy(rerun!)).toBe(0);
    expect(held(r.target.confPath, own.targetLogin)).toEqual([...held(r.source.confPath, own.sourceLogin), afterCutOver].sort());
  }, 120_000);

  it("without remigrate the pair's cut-over sync refuses: its saved state is gone", async () => {
    const { remigrate: _, ...plain } = own;
    const [sync] = await runPhase({ phase: "cut-over", pairings: [plain], ...rehearsalPaths(r.source, r.target) });
    expect(sync!.exitCode).toBe(3);
  }, 60_000);
});
