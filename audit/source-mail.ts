// A source mailbox read over IMAP the way the migration Job's imapc reaches it: as the master user,
// with the mailbox owner's login as SASL PLAIN authorization id (Dovecot's imapc_master_user does the
// same). Only the envelope and the size are fetched, never a body.
import { ImapFlow } from "imapflow";
import type { HeldMessage } from "@oxmig/core/audit";
import { requireProtectedTransport, type TransportSecurity } from "../rehearsal/verification/transport-security";

export interface SourceImap {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (993), a required STARTTLS, or none (loopback only). */
  readonly security: TransportSecurity;
  readonly masterUser: string;
  /** Secret: never printed. */
  readonly masterPassword: string;
}

/** Every message of every selectable folder of one source login; a failure is returned, not thrown. */
export async function readSourceMail(imap: SourceImap, login: string): Promise<{ messages: HeldMessage[] } | { error: string }> {
  requireProtectedTransport("reading a source mailbox over IMAP (the master password is sent)", imap.host, imap.security);
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.security === "tls",
    logger: false,
    // A required STARTTLS never falls back to cleartext.
    ...(imap.security === "starttls" ? { doSTARTTLS: true } : imap.security === "none" ? { doSTARTTLS: false } : {}),
    auth: { user: imap.masterUser, pass: imap.masterPassword, authzid: login, loginMethod: "AUTH=PLAIN" },
    socketTimeout: 60_000,
  });
  client.on("error", () => undefined); // a dropped connection surfaces as a rejected command
  const messages: HeldMessage[] = [];
  try {
    await client.connect();
    const folders = (await client.list()).filter((f) => !f.flags.has("\\Noselect")).map((f) => f.path);
    for (const folder of folders) {
      const lock = await client.getMailboxLock(folder, { readOnly: true });
      try {
        const status = client.mailbox;
        if (status && status.exists === 0) continue;
        for await (const m of client.fetch("1:*", { uid: true, envelope: true, size: true })) {
          const messageId = m.envelope?.messageId?.replace(/\s+/g, " ").trim();
          const sentAt = m.envelope?.date ? new Date(m.envelope.date).getTime() : undefined;
          messages.push({
            folder,
            uid: m.uid,
            size: m.size ?? 0,
            ...(messageId ? { messageId } : {}),
            ...(sentAt !== undefined && !Number.isNaN(sentAt) && sentAt !== 0 ? { sentAt } : {}),
          });
        }
      } finally {
        lock.release();
      }
    }
    await client.logout();
    return { messages };
  } catch (err) {
    client.close();
    const e = err as { message?: string; responseText?: string };
    return { error: [e.message, e.responseText].filter(Boolean).join(" / ") || String(err) };
  }
}
