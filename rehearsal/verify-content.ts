// Pure analysis of what was read from each target mailbox: canaries and fingerprints.
import type { MailboxContent } from "./imap-read";
import type { ExpectedMailbox, Finding } from "./verify-types";

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
    mailboxId: mailbox.mailboxId, login: mailbox.login, check: "canary", ok: problems.length === 0,
    detail: problems.length ? problems.join("; ") : `${mine} canaries arrived, no foreign one`,
  };
}

/** Every seeded fingerprint of this mailbox's sources is present, and none of another source. */
export function fingerprintFinding(result: ReadResult, all: readonly ReadResult[], seededPerMailbox: number): Finding {
  const { mailbox, content } = result;
  const base = { mailboxId: mailbox.mailboxId, login: mailbox.login, check: "fingerprint" as const };
  if (content.readError || content.messages.some((m) => m.source === undefined)) {
    return { ...base, ok: false, detail: "fingerprints not checked: bodies not readable" };
  }
  const found = new Set(content.messages.flatMap((m) => [...(m.source ?? "").matchAll(FINGERPRINT)].map((x) => x[1]!.toLowerCase())));
  const mine = new Set(mailbox.sourceExchangeGuids);
  const missing = [...mine].flatMap((guid) => Array.from({ length: seededPerMailbox }, (_, i) => `${guid}/${i + 1}`)).filter((f) => !found.has(f));
  const foreignGuids = new Set([...found].map((f) => f.split("/")[0]!).filter((guid) => !mine.has(guid)));
  const owners = [...foreignGuids].map((guid) => {
    const owner = all.find((r) => r.mailbox.sourceExchangeGuids.includes(guid))?.mailbox;
    return owner ? `source ${guid} of ${owner.mailboxId} (login ${owner.login})` : `unknown source ${guid}`;
  });
  const problems = [
    ...(missing.length ? [`${missing.length} own fingerprint(s) missing, e.g. ${missing[0]}`] : []),
    ...(owners.length ? [`foreign mail from ${owners.join(", ")}`] : []),
  ];
  return { ...base, ok: problems.length === 0, detail: problems.length ? problems.join("; ") : `${found.size} fingerprints, all own` };
}
