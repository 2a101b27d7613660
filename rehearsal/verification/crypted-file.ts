// Reads the header of a mail_crypt message file (save version 2, as written by Dovecot 2.3.19):
// "CRYPTED\x03\x07", version byte 2, flags u32, header size u32, cipher OID, MAC OID (DER),
// KDF rounds u32, key data length u32, key count u8, then per key: type u8 + SHA-256 key digest.
// The digest is the folder key id that `doveadm mailbox cryptokey list` prints.

const MAGIC = Buffer.from("CRYPTED\x03\x07", "latin1");

export type CryptedHeader = { readonly encrypted: false } | { readonly encrypted: true; readonly version: number; readonly keyId?: string };

export function readCryptedHeader(head: Buffer): CryptedHeader {
  if (head.length < MAGIC.length || !head.subarray(0, MAGIC.length).equals(MAGIC)) return { encrypted: false };
  const version = head[MAGIC.length]!;
  if (version !== 2) return { encrypted: true, version };
  let at = MAGIC.length + 1 + 4 + 4;
  for (let oid = 0; oid < 2; oid++) {
    if (head[at] !== 0x06) return { encrypted: true, version };
    at += 2 + head[at + 1]!;
  }
  at += 4 + 4; // rounds, key data length
  const keyCount = head[at];
  const digestStart = at + 2; // count byte, then the first key's type byte
  if (!keyCount || head.length < digestStart + 32) return { encrypted: true, version };
  return { encrypted: true, version, keyId: head.subarray(digestStart, digestStart + 32).toString("hex") };
}
