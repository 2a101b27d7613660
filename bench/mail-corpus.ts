// Mail that looks like an office mailbox to doveadm: mostly short text, a quarter with an attachment of
// tens to hundreds of KB, a few with MB-sized ones (base64, as mail clients send them; random bytes,
// since PDFs and images do not compress). Sizes follow a seeded generator, so every run seeds the same.
import { randomBytes } from "node:crypto";
import { FINGERPRINT_HEADER, fingerprint, uniqueHeaders } from "../rehearsal/migration/seed";

export interface CorpusMessage {
  readonly raw: string;
  readonly bytes: number;
}

/** A small deterministic generator (mulberry32): the same seed gives the same sizes. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const between = (random: () => number, low: number, high: number) => Math.round(low + random() * (high - low));
const wrap = (text: string, width = 76) => text.replace(new RegExp(`(.{${width}})`, "g"), "$1\r\n");
const WORDS =
  "Sehr geehrte Damen und Herren anbei der Bescheid zur Steuererklärung Rückfrage Termin Akte Vorgang Frist bitte um Kenntnisnahme mit freundlichen Grüßen".split(
    " ",
  );

function prose(random: () => number, bytes: number): string {
  const words: string[] = [];
  let length = 0;
  while (length < bytes) {
    const word = WORDS[Math.floor(random() * WORDS.length)]!;
    words.push(word);
    length += word.length + 1;
  }
  return wrap(words.join(" "));
}

/** Size class of one message: 70 % text (1.5–12 KB), 25 % with a 30–300 KB attachment, 5 % with 0.8–2.5 MB. */
function attachmentSize(random: () => number): number {
  const roll = random();
  if (roll < 0.7) return 0;
  if (roll < 0.95) return between(random, 30_000, 300_000);
  return between(random, 800_000, 2_500_000);
}

/** Message `n` of a source mailbox (fingerprint and unique headers as the rehearsal's seed, so checks can count it). */
export function corpusMessage(exchangeGuid: string, login: string, n: number, random: () => number): CorpusMessage {
  const print = fingerprint(exchangeGuid, n);
  const headers = {
    From: "kollegin@behoerde.example",
    To: login,
    Subject: `Vorgang ${n}`,
    ...uniqueHeaders(exchangeGuid, n),
    [FINGERPRINT_HEADER]: print,
    "MIME-Version": "1.0",
  };
  const text = `${prose(random, between(random, 1_500, 12_000))}\r\nFingerprint ${print}\r\n`;
  const attachment = attachmentSize(random);
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  let raw: string;
  if (attachment === 0) {
    raw = [...head, "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", text].join("\r\n");
  } else {
    const boundary = `oxmig-${n}-${exchangeGuid.slice(0, 8)}`;
    raw = [
      ...head,
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      "",
      `--${boundary}`,
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      text,
      `--${boundary}`,
      `Content-Type: application/pdf; name="anlage-${n}.pdf"`,
      "Content-Transfer-Encoding: base64",
      `Content-Disposition: attachment; filename="anlage-${n}.pdf"`,
      "",
      wrap(randomBytes(attachment).toString("base64")),
      `--${boundary}--`,
      "",
    ].join("\r\n");
  }
  return { raw, bytes: Buffer.byteLength(raw) };
}
