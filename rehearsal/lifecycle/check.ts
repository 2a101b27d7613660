// The proof at the end of a lifecycle rehearsal, per person: every source fingerprint exactly once
// (none lost, none duplicated), every message delivered to the target after cut-over still there,
// nothing that belongs to someone else, every body readable with the owner's key.
import { foreignMailText, type ReadResult } from "../verification/content";
import type { Finding } from "../verification/types";

export const TARGET_ONLY_HEADER = "X-Oxmig-Target-Only";
const FINGERPRINT = /^X-Oxmig-Fingerprint: *([0-9a-f-]+)\/(\d+)/im;
const TARGET_ONLY = new RegExp(`^${TARGET_ONLY_HEADER}: *(\\S+)`, "im");

export interface LifecycleCounts {
  readonly lost: number;
  readonly duplicated: number;
  readonly targetOnlyLost: number;
  readonly foreign: number;
}

export interface LifecycleExpectation {
  /** Fingerprints seeded per source over all rounds (1..n). */
  readonly perSource: number;
  /** mailboxId → tokens of the mail delivered to it on the target after cut-over. */
  readonly targetOnly: ReadonlyMap<string, readonly string[]>;
}

export function lifecycleFinding(result: ReadResult, all: readonly ReadResult[], expect: LifecycleExpectation): { finding: Finding; counts: LifecycleCounts } {
  const { mailbox, content } = result;
  const base = { mailboxId: mailbox.mailboxId, login: mailbox.login, check: "lifecycle" as const };
  const unread = content.messages.filter((m) => m.source === undefined).length;
  if (content.readError || unread) {
    const counts = { lost: 0, duplicated: 0, targetOnlyLost: 0, foreign: 0 };
    return {
      finding: { ...base, ok: false, detail: `not provable: ${unread} bodies unreadable with the owner's key (${content.readError ?? "missing source"})` },
      counts,
    };
  }
  const prints = new Map<string, number>();
  const tokens = new Set<string>();
  const foreignSources: string[] = [];
  const foreignTarget: string[] = [];
  const whose = (pred: (r: ReadResult) => boolean) => all.find((r) => r !== result && pred(r))?.mailbox;
  for (const message of content.messages) {
    const print = FINGERPRINT.exec(message.source!);
    const token = TARGET_ONLY.exec(message.source!)?.[1];
    if (print) {
      if (mailbox.sourceExchangeGuids.includes(print[1]!.toLowerCase()))
        prints.set(`${print[1]}/${print[2]}`, (prints.get(`${print[1]}/${print[2]}`) ?? 0) + 1);
      else foreignSources.push(print[1]!.toLowerCase());
    } else if (token !== undefined) {
      if (expect.targetOnly.get(mailbox.mailboxId)?.includes(token)) tokens.add(token);
      else
        foreignTarget.push(
          describe(
            "target mail",
            whose((r) => expect.targetOnly.get(r.mailbox.mailboxId)?.includes(token) ?? false),
          ),
        );
    }
  }
  const foreign = [...(foreignSources.length ? [foreignMailText(mailbox, foreignSources)] : []), ...new Set(foreignTarget)];
  const wanted = mailbox.sourceExchangeGuids.flatMap((guid) => Array.from({ length: expect.perSource }, (_, i) => `${guid}/${i + 1}`));
  const lost = wanted.filter((p) => !prints.has(p));
  const duplicated = [...prints.values()].reduce((n, count) => n + Math.max(0, count - 1), 0);
  const targetLost = (expect.targetOnly.get(mailbox.mailboxId) ?? []).filter((t) => !tokens.has(t));
  const counts = { lost: lost.length, duplicated, targetOnlyLost: targetLost.length, foreign: foreignSources.length + foreignTarget.length };
  const problems = [
    ...(lost.length ? [`${lost.length} source message(s) lost, e.g. ${lost[0]}`] : []),
    ...(duplicated ? [`${duplicated} source message(s) duplicated`] : []),
    ...(targetLost.length ? [`${targetLost.length} message(s) delivered to the target after cut-over lost`] : []),
    ...(foreign.length ? [`holds foreign mail: ${foreign.join("; ")}`] : []),
  ];
  const detail = problems.length
    ? `mailbox of ${mailbox.reader}: ${problems.join("; ")}`
    : `${wanted.length} source messages once each, ${tokens.size} target-only kept, nothing foreign`;
  return { finding: { ...base, ok: problems.length === 0, detail }, counts };
}

function describe(what: string, owner: { reader: string; login: string } | undefined): string {
  return owner ? `${what} of ${owner.reader} (login ${owner.login})` : `${what} of nobody verified`;
}

export function sumCounts(counts: readonly LifecycleCounts[]): LifecycleCounts {
  return counts.reduce(
    (a, c) => ({
      lost: a.lost + c.lost,
      duplicated: a.duplicated + c.duplicated,
      targetOnlyLost: a.targetOnlyLost + c.targetOnlyLost,
      foreign: a.foreign + c.foreign,
    }),
    { lost: 0, duplicated: 0, targetOnlyLost: 0, foreign: 0 },
  );
}
