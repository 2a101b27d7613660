// The rehearsal's stand-in for Exchange: a plain Dovecot (no mail_crypt) whose users are the
// source logins, seeded over LMTP with messages that carry a per-source fingerprint.
import type { HostPort } from "../verification/endpoints";
import { deliverLmtp, rawMessage } from "../dovecot/lmtp";

export interface SourceUser {
  /** Source login (imapc_user), e.g. the Exchange UserPrincipalName. */
  readonly login: string;
  readonly exchangeGuid: string;
}

export const FINGERPRINT_HEADER = "X-Oxmig-Fingerprint";

/** `<sourceExchangeGuid>/<n>`: what every seeded message carries in a header and in its body. */
export function fingerprint(exchangeGuid: string, n: number): string {
  return `${exchangeGuid}/${n}`;
}

/** passwd-file userdb of the source: no password, no key, home derived from the ExchangeGuid. */
export function renderSourceUserdb(users: readonly SourceUser[], homeRoot: string): string {
  return users
    .map((u) => {
      if (/[:\s]/.test(u.login) || !/^[0-9a-f-]+$/.test(u.exchangeGuid)) {
        throw new Error(`source user "${u.login}" / "${u.exchangeGuid}" cannot go into a passwd-file`);
      }
      return `${u.login}:::::${homeRoot}/${u.exchangeGuid}::\n`;
    })
    .join("");
}

/** A unique Message-ID and Date per message: dsync matches messages by header hash, so identical headers would collide. */
export function uniqueHeaders(exchangeGuid: string, n: number): Record<string, string> {
  const date = new Date(Date.UTC(2024, 0, 1) + n * 60_000 + parseInt(exchangeGuid.slice(0, 6), 16) * 1000);
  return { "Message-ID": `<${exchangeGuid}.${n}@rehearsal.oxmig.example>`, Date: date.toUTCString() };
}

/**
 * Delivers `perMailbox` fingerprinted messages to every source user, numbered from `first` (a later
 * round of new source mail continues the numbering); throws on any refusal.
 */
export async function seedSource(lmtp: HostPort, users: readonly SourceUser[], perMailbox: number, connections = 4, first = 1): Promise<void> {
  const messages = users.flatMap((u) =>
    Array.from({ length: perMailbox }, (_, i) => {
      const n = first + i;
      const print = fingerprint(u.exchangeGuid, n);
      return {
        recipient: u.login,
        raw: rawMessage(
          { To: u.login, Subject: `Seeded message ${n}`, ...uniqueHeaders(u.exchangeGuid, n), [FINGERPRINT_HEADER]: print },
          `Rehearsal message ${n}.\nFingerprint ${print}\n`,
        ),
      };
    }),
  );
  const refused = (await deliverLmtp(lmtp, messages, connections)).filter((o) => !o.ok);
  if (refused.length) {
    throw new Error(`seeding refused ${refused.length} message(s), first: ${refused[0]!.recipient}: ${refused[0]!.reply}`);
  }
}
