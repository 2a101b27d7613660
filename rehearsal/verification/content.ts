// Pure analysis of what was read from each target mailbox: canaries and fingerprints.
import type { MailboxContent } from "../dovecot/imap-read";
import type { ExpectedMailbox, Finding } from "./types";

export const CANARY_HEADER = "X-Oxmig-Canary";

export interface SentCanary {
  readonly token: string;
  readonly mailboxId: string;
  readonly address: string;
  readonly delivered: boolean;
  readonly reply: string;
}

export interface ReadResult {
  readonly mailbox: ExpectedMailbox;
  readonly content: MailboxContent;
}

const CANARY_TOKEN = /oxmig-canary-[0-9a-f]+-\d+/g;
const FINGERPRINT = /X-Oxmig-Fingerprint: *([0-9a-f-]+\/\d+)/gi;

/** Canary tokens present in a mailbox: from the bodies, or the subjects where no body was readable. */
export function canaryTokens(content: MailboxContent): Set<string> {
  return new Set(content.messages.flatMap((m) => [...(m.source ?? m.subject).matchAll(CANARY_TOKEN)].map((x) => x[0])));
}

export function bodyReadableFinding({ mailbox, content }: ReadResult): Finding {
  const unread = content.messages.filter((m) => m.source === undefined).length;
  const ok = !content.readError && unread === 0;
  const detail = ok
    ? `${content.messages.length} bodies read`
    : `mail not readable (${unread} of ${content.messages.length} listed messages unread; a wrong key password?): ${content.readError ?? "missing source"}`;
  return { mailboxId: mailbox.mailboxId, login: mailbox.login, check: "body-readable", ok, detail };
}

export function canaryFinding(result: ReadResult, all: readonly ReadResult[], sent: readonly SentCanary[]): Finding {
  const { mailbox } = result;
  const who = (id: string) => {
    const m = all.find((r) => r.mailbox.mailboxId === id)?.mailbox;
    return m ? `${m.mailboxId} (login ${m.login})` : id;
  };
  const found = canaryTokens(result.content);
  const problems: string[] = [];
  for (const canary of sent.filter((c) => c.mailboxId === mailbox.mailboxId)) {
    if (!canary.delivered) problems.push(`canary to ${canary.address} refused at LMTP: ${canary.reply}`);
    else if (!found.has(canary.token) && result.content.readError) problems.push(`canary to ${canary.address} not verifiable: mailbox not readable`);
    else if (!found.has(canary.token)) {
      const elsewhere = all.filter((r) => r !== result && canaryTokens(r.content).has(canary.token)).map((r) => who(r.mailbox.mailboxId));
      problems.push(`canary to ${canary.address} missing${elsewhere.length ? `, landed in ${elsewhere.join(", ")}` : ""}`);
    }
  }
  for (const canary of sent.filter((c) => c.mailboxId !== mailbox.mailboxId && found.has(c.token))) {
    problems.push(`foreign canary to ${canary.address} of ${who(canary.mailboxId)}`);
  }
  const mine = sent.filter((c) => c.mailboxId === mailbox.mailboxId).length;
  return {
    mailboxId: mailbox.mailboxId,
    login: mailbox.login,
    check: "canary",
    ok: problems.length === 0,
    detail: problems.length ? problems.join("; ") : `${mine} canaries arrived, no foreign one`,
  };
}

/** "holds 3 message(s) of Jan Schmidt <…> (…)" per foreign source, most first: whose mail, how much. */
export function foreignMailText(mailbox: ExpectedMailbox, foreignGuids: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const guid of foreignGuids) counts.set(guid, (counts.get(guid) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([guid, n]) => `${n} message(s) of ${mailbox.sourceOwners.get(guid) ?? `unknown source ${guid}`}`)
    .join("; ");
}

/** Every seeded fingerprint of this mailbox's rightful sources is present, and none of another source. */
export function fingerprintFinding(result: ReadResult, seededPerMailbox: number): Finding {
  const { mailbox, content } = result;
  const base = { mailboxId: mailbox.mailboxId, login: mailbox.login, check: "fingerprint" as const };
  if (content.readError || content.messages.some((m) => m.source === undefined)) {
    return { ...base, ok: false, detail: `fingerprints of ${mailbox.reader} not checked: bodies not readable` };
  }
  const prints = content.messages.flatMap((m) => [...(m.source ?? "").matchAll(FINGERPRINT)].map((x) => x[1]!.toLowerCase()));
  const found = new Set(prints);
  const mine = new Set(mailbox.sourceExchangeGuids);
  const missing = [...mine].flatMap((guid) => Array.from({ length: seededPerMailbox }, (_, i) => `${guid}/${i + 1}`)).filter((f) => !found.has(f));
  const foreign = prints.map((f) => f.split("/")[0]!).filter((guid) => !mine.has(guid));
  const problems = [
    ...(missing.length ? [`${missing.length} message(s) of its own source missing, e.g. ${missing[0]}`] : []),
    ...(foreign.length ? [`holds foreign mail: ${foreignMailText(mailbox, foreign)}`] : []),
  ];
  const detail = problems.length ? `mailbox of ${mailbox.reader}: ${problems.join("; ")}` : `${found.size} fingerprints, all own`;
  return { ...base, ok: problems.length === 0, detail };
}
