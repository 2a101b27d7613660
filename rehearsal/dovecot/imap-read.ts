// Reads a target mailbox over IMAP as its own login through the master user (`login*master`).
// Bodies are fetched on purpose: with a wrong key password, login, SELECT and cached headers still
// work; only reading a body fails (the server drops the connection).
import { ImapFlow } from "imapflow";
import type { MailEndpoints } from "../verification/endpoints";
import { requireProtectedTransport } from "../verification/transport-security";

export interface ReadMessage {
  readonly folder: string;
  readonly uid: number;
  readonly subject: string;
  /** Full message source; undefined when it could not be read. */
  readonly source?: string;
}

export interface MailboxContent {
  readonly messages: ReadMessage[];
  /** Why not every body could be read (undefined when all were). */
  readonly readError?: string;
  /** Why the messages to remove could not be expunged (undefined when they were). */
  readonly removeError?: string;
}

function client(endpoints: MailEndpoints, login: string): ImapFlow {
  const { host, port, security = "none" } = endpoints.imap;
  // The login carries the master password: never in cleartext off loopback, and a required STARTTLS
  // (doSTARTTLS: true) fails when the server does not offer it instead of continuing unencrypted.
  requireProtectedTransport("an IMAP login with the master password", host, security);
  return new ImapFlow({
    host,
    port,
    secure: security === "tls",
    ...(security === "starttls" ? { doSTARTTLS: true } : {}),
    logger: false,
    auth: { user: `${login}*${endpoints.masterUser.login}`, pass: endpoints.masterUser.password },
    socketTimeout: 30_000,
  });
}

/**
 * Every message of every folder: first uid+subject, then the bodies; afterwards expunges, in the
 * same session, the messages `remove` selects (the canaries).
 */
export async function readMailbox(endpoints: MailEndpoints, login: string, remove: (m: ReadMessage) => boolean = () => false): Promise<MailboxContent> {
  const imap = client(endpoints, login); // throws (exit 2) for a cleartext endpoint off loopback
  imap.on("error", () => undefined); // a dropped connection surfaces as a rejected command
  const messages: ReadMessage[] = [];
  let removeError: string | undefined;
  try {
    await imap.connect();
    const folders = (await imap.list()).filter((f) => !f.flags.has("\\Noselect")).map((f) => f.path);
    for (const folder of folders) {
      const lock = await imap.getMailboxLock(folder);
      try {
        const envelopes = await imap.fetchAll("1:*", { uid: true, envelope: true });
        for (const m of envelopes) messages.push({ folder, uid: m.uid, subject: m.envelope?.subject ?? "" });
        for await (const m of imap.fetch("1:*", { uid: true, source: true })) {
          const index = messages.findIndex((x) => x.folder === folder && x.uid === m.uid);
          const read: ReadMessage = { folder, uid: m.uid, subject: messages[index]?.subject ?? "", source: m.source?.toString("utf8") };
          if (index >= 0) messages[index] = read;
          else messages.push(read);
        }
        const doomed = messages.filter((m) => m.folder === folder && remove(m)).map((m) => m.uid);
        if (doomed.length) await imap.messageDelete(doomed.join(","), { uid: true }).catch((err: unknown) => (removeError ??= describe(err)));
      } finally {
        lock.release();
      }
    }
    await imap.logout();
    return { messages, ...(removeError ? { removeError } : {}) };
  } catch (err) {
    imap.close();
    return { messages, readError: describe(err) };
  }
}

function describe(err: unknown): string {
  const e = err as { message?: string; responseText?: string; code?: string };
  return [e.message, e.responseText, e.code].filter(Boolean).join(" / ") || String(err);
}
