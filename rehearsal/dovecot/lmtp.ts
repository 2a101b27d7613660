// Delivers messages over a few LMTP connections and reads one reply per recipient (nodemailer's
// SMTPConnection does that in LMTP mode), so each recipient's outcome is known.
import SMTPConnection from "nodemailer/lib/smtp-connection";
import type { HostPort } from "../verification/endpoints";
import { requireProtectedTransport } from "../verification/transport-security";

export interface LmtpMessage {
  /** RCPT TO: the Dovecot login (the MTA's routing already applied). */
  readonly recipient: string;
  /** Full RFC 5322 message with CRLF line ends. */
  readonly raw: string;
}

export interface LmtpOutcome {
  readonly recipient: string;
  readonly ok: boolean;
  readonly reply: string;
}

const SENDER = "rehearsal@oxmig.example";

/**
 * Outcomes in the order of `messages`. Each connection gets a contiguous slice; one connection
 * is slow (~10 ms per message, Dovecot's lmtp process works one message at a time), four keep two cores busy.
 */
export async function deliverLmtp(endpoint: HostPort, messages: readonly LmtpMessage[], connections = 1): Promise<LmtpOutcome[]> {
  requireProtectedTransport("LMTP delivery", endpoint.host, endpoint.security ?? "none");
  const count = Math.max(1, Math.min(connections, messages.length));
  const size = Math.ceil(messages.length / count);
  const slices = Array.from({ length: count }, (_, i) => messages.slice(i * size, (i + 1) * size));
  return (await Promise.all(slices.map((slice) => deliverOnOneConnection(endpoint, slice)))).flat();
}

async function deliverOnOneConnection(endpoint: HostPort, messages: readonly LmtpMessage[]): Promise<LmtpOutcome[]> {
  if (messages.length === 0) return [];
  const security = endpoint.security ?? "none";
  // requireTLS: no MAIL FROM unless the STARTTLS upgrade succeeded (no silent fallback to cleartext).
  const connection = new SMTPConnection({
    lmtp: true,
    host: endpoint.host,
    port: endpoint.port,
    secure: security === "tls",
    requireTLS: security === "starttls",
    socketTimeout: 30_000,
  });
  await new Promise<void>((resolve, reject) => {
    connection.once("error", reject);
    connection.connect(() => resolve());
  });
  const outcomes: LmtpOutcome[] = [];
  try {
    for (const message of messages) outcomes.push(await sendOne(connection, message));
  } finally {
    connection.quit();
  }
  return outcomes;
}

function sendOne(connection: SMTPConnection, message: LmtpMessage): Promise<LmtpOutcome> {
  return new Promise((resolve) => {
    connection.send({ from: SENDER, to: [message.recipient] }, message.raw, (err, info) => {
      if (err) return resolve({ recipient: message.recipient, ok: false, reply: err.message });
      const rejected = info.rejectedErrors?.[0];
      resolve({ recipient: message.recipient, ok: info.accepted.length === 1, reply: rejected ? rejected.message : info.response });
    });
  });
}

/** Builds a small plain-text message; header values must be single-line ASCII. */
export function rawMessage(headers: Record<string, string>, body: string): string {
  const head = Object.entries({ From: SENDER, Date: new Date().toUTCString(), ...headers }).map(([k, v]) => `${k}: ${v}`);
  return `${head.join("\r\n")}\r\n\r\n${body.replace(/\r?\n/g, "\r\n")}\r\n`;
}
