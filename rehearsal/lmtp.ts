// Delivers messages over ONE LMTP connection and reads one reply per recipient (nodemailer's
// SMTPConnection does that in LMTP mode), so each recipient's outcome is known.
import SMTPConnection from "nodemailer/lib/smtp-connection";

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

export async function deliverLmtp(port: number, messages: readonly LmtpMessage[]): Promise<LmtpOutcome[]> {
  const connection = new SMTPConnection({ lmtp: true, host: "127.0.0.1", port, socketTimeout: 30_000 });
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
