// A deployed target read and cleaned through its doveadm HTTP API: the userdb's logins, what each
// mailbox holds (folder, uid, GUID, Message-ID, Date, size; never a body), and removal of single
// messages by folder and GUID. Verified against Dovecot 2.3.19 (tests start one).
import { z } from "zod";
import type { HeldMessage } from "@oxmig/core/audit";
import type { DoveadmHttpEndpoint } from "../rehearsal/dovecot/dovecot-instance";
import { describeFailure, doveadmCall } from "../rehearsal/dovecot/doveadm-api";

const FIELDS = ["mailbox", "uid", "guid", "hdr.message-id", "date.sent", "size.virtual"] as const;
const Row = z.object({
  mailbox: z.string(),
  uid: z.string(),
  guid: z.string(),
  "hdr.message-id": z.string(),
  "date.sent": z.string(),
  "size.virtual": z.string(),
});

/** Every login the target's userdb can list (passwd-file userdbs can). */
export async function listTargetLogins(endpoint: DoveadmHttpEndpoint): Promise<string[]> {
  const [answer] = await doveadmCall(endpoint, [["user", { userMask: ["*"] }]]);
  if (!answer!.ok) throw new Error(`the target's userdb cannot be listed: ${describeFailure(answer!)}`);
  const parsed = z.object({ userList: z.array(z.string()) }).safeParse(answer!.payload);
  if (!parsed.success) throw new Error("the target's user list came back in an unexpected form");
  return parsed.data.userList;
}

/**
 * doveadm prints `date.sent` as "2024-04-29 23:36:00 (+0000)"; a message without a Date header
 * shows the epoch, which is read as no date (as an IMAP envelope gives none).
 */
export function parseDoveadmDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) \(([+-])(\d\d)(\d\d)\)$/.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, sign, oh, om] = m;
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const offset = (Number(oh) * 60 + Number(om)) * 60_000 * (sign === "-" ? -1 : 1);
  const at = local - offset;
  return at === 0 ? undefined : at;
}

export function heldMessageOf(row: z.infer<typeof Row>): HeldMessage {
  const messageId = row["hdr.message-id"].replace(/\s+/g, " ").trim();
  const sentAt = parseDoveadmDate(row["date.sent"]);
  return {
    folder: row.mailbox,
    uid: Number(row.uid),
    guid: row.guid,
    size: Number(row["size.virtual"]),
    ...(messageId ? { messageId } : {}),
    ...(sentAt !== undefined ? { sentAt } : {}),
  };
}

/** What one target mailbox holds; a failure is returned as the reason, not thrown (the audit goes on). */
export async function readTargetMail(endpoint: DoveadmHttpEndpoint, login: string): Promise<{ messages: HeldMessage[] } | { error: string }> {
  try {
    const [answer] = await doveadmCall(endpoint, [["fetch", { user: login, field: [...FIELDS], query: ["all"] }]]);
    if (!answer!.ok) return { error: describeFailure(answer!) };
    const rows = z.array(Row).safeParse(answer!.payload);
    if (!rows.success) return { error: `unexpected fetch answer (${rows.error.issues[0]?.message})` };
    return { messages: rows.data.map(heldMessageOf) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Removes one message, named by folder and GUID (both must match); true when the target answered ok. */
export async function expungeMessage(endpoint: DoveadmHttpEndpoint, login: string, message: HeldMessage): Promise<{ ok: true } | { ok: false; why: string }> {
  if (!message.guid) return { ok: false, why: "the message has no GUID" };
  const [answer] = await doveadmCall(endpoint, [["expunge", { user: login, query: ["mailbox", message.folder, "guid", message.guid] }]]);
  return answer!.ok ? { ok: true } : { ok: false, why: describeFailure(answer!) };
}
