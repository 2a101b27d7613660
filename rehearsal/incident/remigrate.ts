// The corrected re-migration of re-paired mailboxes after the cleanup. The targets hold mail delivered
// after cut-over, and their INBOX carries the UIDVALIDITY of the WRONG source. Checked on Dovecot 2.3.19
// with imapc (the incident drill and hand runs):
//   - `backup -R` makes the target identical to the source: it deletes the mail delivered since cut-over
//     (core/lifecycle.ts: the whole INBOX expunged).
//   - `sync -1 -R -s <saved state>` (the Job's cut-over run) with the state of the wrong pairing exits 0
//     and copies none of the rightful source's existing mail, or exits 75 ("UIDVALIDITY changed during a
//     stateful sync") when the two sources' UIDVALIDITY differ.
//   - `sync -1 -R -s ""` (full one-way sync) exits 0 and copies NOTHING when the source's UIDVALIDITY
//     differs from the target INBOX's ("UIDVALIDITY changed", "Saved UIDs:" empty) — as it will between
//     two Exchange mailboxes; only when they happen to be equal does it add the mail (and then a second
//     run duplicates every message).
//   - `doveadm import -u <target> imapc: "" <search>` copies exactly the source messages the search
//     selects, whatever the UIDs, and keeps everything else; `all` twice duplicates, so the search names
//     what is missing: `mailbox <folder> ( header message-id <a> OR header message-id <b> … )`.
// So a re-paired mailbox is re-migrated by importing what its rightful source holds and it lacks
// (matched by Message-ID, Date and size, as the audit matches), rerun for later source mail (it then
// imports only the new messages). Each import runs as a pair line of the Job's script. The pair's saved
// state is removed (an import prints none), so the Job's cut-over sync refuses that mailbox from then on
// instead of running a sync that would copy nothing or fail.
import { rmSync } from "node:fs";
import type { HeldMessage } from "../../core/audit";
import { messageKey } from "../../core/audit";
import type { Pairing } from "../../core/contract";
import { stateFileFor, type CommandPaths, type DoveadmCommand } from "../../core/lifecycle";
import { readSourceMail, type SourceImap } from "../../audit/source-mail";
import { readTargetMail } from "../../audit/target-mail";
import type { DovecotInstance } from "../dovecot/dovecot-instance";
import { rehearsalPaths, runIndexedCommands, type PairResult } from "../migration/migrate";

/** Message-IDs per import run: keeps the argv far below the kernel's limit. */
const IDS_PER_RUN = 100;

export interface MissingMail {
  /** Folder → Message-IDs of the source's messages the target lacks. */
  readonly byFolder: ReadonlyMap<string, readonly string[]>;
  /** Missing messages without a Message-ID: no search can select them alone. */
  readonly withoutId: number;
}

/** What the source holds and the target does not (each copy counted: two equal copies need two). */
export function missingMail(source: readonly HeldMessage[], target: readonly HeldMessage[]): MissingMail {
  const held = new Map<string, number>();
  for (const m of target) {
    const key = messageKey(m);
    held.set(key, (held.get(key) ?? 0) + 1);
  }
  const byFolder = new Map<string, string[]>();
  let withoutId = 0;
  for (const m of source) {
    const key = messageKey(m);
    const left = held.get(key) ?? 0;
    if (left > 0) {
      held.set(key, left - 1);
      continue;
    }
    if (!m.messageId) withoutId++;
    else byFolder.set(m.folder, [...(byFolder.get(m.folder) ?? []), m.messageId]);
  }
  return { byFolder, withoutId };
}

/** `doveadm import` runs (Job pair lines) that copy exactly the missing messages from the pairing's source. */
export function importCommands(pairing: Pairing, missing: MissingMail, paths: CommandPaths): DoveadmCommand[] {
  const base = ["doveadm", "-c", paths.doveadmConf, "-o", `imapc_user=${pairing.sourceLogin}`, "import", "-u", pairing.targetLogin, "imapc:", ""];
  return [...missing.byFolder].flatMap(([folder, ids]) =>
    Array.from({ length: Math.ceil(ids.length / IDS_PER_RUN) }, (_, i) => {
      const chunk = ids.slice(i * IDS_PER_RUN, (i + 1) * IDS_PER_RUN);
      const search = chunk.flatMap((id, j) => [...(j ? ["OR"] : []), "header", "message-id", id]);
      return {
        mailboxId: pairing.mailboxId,
        stateFile: stateFileFor(paths.stateDir, pairing.mailboxId),
        needsState: false,
        argv: [...base, "mailbox", folder, "(", ...search, ")"],
      };
    }),
  );
}

export interface Remigration {
  readonly pairing: Pairing;
  /** Messages selected for import (what was missing). */
  readonly missing: number;
  readonly withoutId: number;
  readonly runs: readonly PairResult[];
  /** Why the mailbox could not be compared with its source. */
  readonly error?: string;
}

/** Imports into each re-paired target what its rightful source holds and it lacks; rerunnable. */
export async function remigrate(
  source: DovecotInstance,
  target: DovecotInstance,
  sourceImap: SourceImap,
  pairings: readonly Pairing[],
): Promise<Remigration[]> {
  const endpoint = target.doveadmHttp;
  if (!endpoint) throw new Error("the rehearsal target has no doveadm HTTP API");
  const paths = rehearsalPaths(source, target);
  const planned = await Promise.all(
    pairings.map(async (pairing) => {
      const [from, into] = await Promise.all([readSourceMail(sourceImap, pairing.sourceLogin), readTargetMail(endpoint, pairing.targetLogin)]);
      if ("error" in from || "error" in into)
        return {
          pairing,
          missing: 0,
          withoutId: 0,
          commands: [],
          error: "error" in from ? `source: ${from.error}` : `target: ${"error" in into ? into.error : ""}`,
        };
      const missing = missingMail(from.messages, into.messages);
      const count = [...missing.byFolder.values()].reduce((n, ids) => n + ids.length, 0);
      return { pairing, missing: count, withoutId: missing.withoutId, commands: importCommands(pairing, missing, paths) };
    }),
  );
  // The saved state is the wrong source's: gone, so the Job's cut-over sync refuses this mailbox.
  for (const pairing of pairings) rmSync(stateFileFor(paths.stateDir, pairing.mailboxId), { force: true });
  const commands = planned.flatMap((p) => p.commands);
  const runs = commands.length ? await runIndexedCommands({ phase: "cut-over", commands, pairings, scriptDir: target.dir }) : [];
  return planned.map(({ commands: _, ...p }) => ({ ...p, runs: runs.filter((r) => r.pairing.mailboxId === p.pairing.mailboxId) }));
}
