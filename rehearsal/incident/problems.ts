// How the incident drill words a failed check: always the mailbox by its person ("the mailbox of
// <name> <address> (uid, organisation, id)"), and whose mail is involved. Pure.
import type { Detection, CleanJudgement, TargetCount } from "./proof";
import type { LoginProbe } from "./containment";
import type { Misbinding } from "./injection";
import type { PairResult } from "../migration/migrate";

export type ReaderOf = (login: string) => string;

/** doveadm's own error line rather than the script's closing FAILED line. */
export function reasonOf(stderr: string): string {
  const lines = stderr.split("\n").filter(Boolean);
  return lines.find((l) => /Error|Panic|Fatal|REFUSED/.test(l)) ?? lines.at(-1) ?? "";
}

export function pairProblems(results: readonly PairResult[], readerOf: ReaderOf): string[] {
  return results
    .filter((r) => !r.ok)
    .map(
      (r) =>
        `doveadm ${r.label ?? "backup -R"} of ${r.pairing.sourceLogin} into the mailbox of ${readerOf(r.pairing.targetLogin)} failed (exit ${r.exitCode ?? "none"}): ${reasonOf(r.stderr)}`,
    );
}

export function detectionProblems(detection: Detection, readerOf: ReaderOf, ownerOf: (m: Misbinding) => string): string[] {
  return [
    ...detection.missed.map(
      (m) => `MISSED: the audit did not name the mailbox of ${readerOf(m.target.dovecotLogin)}, which was given the mail of ${ownerOf(m)}`,
    ),
    ...detection.falseAlarms.map((v) => `FALSE ALARM: the audit says the mailbox of ${v.reader} holds someone else's mail; nothing was crossed into it`),
  ];
}

export type Probes = Record<"before" | "contained" | "after", readonly LoginProbe[]>;

/** Before: every tried login works; contained: exactly the contained ones refused, master access kept; after: all work again. */
export function containmentProblems(probes: Probes, contained: ReadonlySet<string>, readerOf: ReaderOf): string[] {
  const problems: string[] = [];
  for (const p of probes.before)
    if (!p.own.ok) problems.push(`cannot prove containment: the own login of ${readerOf(p.login)} failed already before it: ${p.own.why}`);
  for (const p of probes.contained) {
    const who = readerOf(p.login);
    if (contained.has(p.login) && p.own.ok) problems.push(`CONTAINMENT FAILED: the own login of ${who} still works while contained`);
    if (!contained.has(p.login) && !p.own.ok) problems.push(`containment refused the own login of ${who}, who is not contained: ${p.own.why}`);
    if (!p.master.ok) problems.push(`containment blocked master-user access to the mailbox of ${who} (the cleanup needs it): ${p.master.why}`);
  }
  for (const p of probes.after) if (!p.own.ok) problems.push(`the own login of ${readerOf(p.login)} is still refused after un-contain: ${p.own.why}`);
  return problems;
}

export function cleanProblems(clean: CleanJudgement, readerOf: ReaderOf): string[] {
  return [
    ...clean.notRemoved.map((r) => `NOT REMOVED: ${r.messageId} (someone else's mail) is still in the mailbox of ${readerOf(r.login)}`),
    ...clean.wronglyRemoved.map((r) => `REMOVED WRONGLY: ${r.messageId} was removed from the mailbox of ${readerOf(r.login)}, but it was not crossed into it`),
    ...clean.failed.map((o) => `clean could not remove ${o.entry.message.messageId ?? o.entry.message.guid} from the mailbox of ${o.entry.reader}: ${o.why}`),
  ];
}

export function finalProblems(f: TargetCount, reader: string): string[] {
  return [
    ...(f.lost.length ? [`LOST: the mailbox of ${reader} lacks ${f.lost.length} message(s) it must hold, e.g. ${f.lost[0]}`] : []),
    ...(f.duplicated ? [`DUPLICATED: the mailbox of ${reader} holds ${f.duplicated} extra cop(ies) of its messages`] : []),
    ...(f.foreign ? [`FOREIGN LEFT: the mailbox of ${reader} still holds ${f.foreign} message(s) of someone else`] : []),
    ...(f.unexpected ? [`the mailbox of ${reader} holds ${f.unexpected} message(s) the drill did not put there`] : []),
  ];
}
