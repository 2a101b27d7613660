// Immutable identifiers and everything derived from them (homes, key names).
// Nothing here may depend on a name or an address: those change, ids do not.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const DEFAULT_MAIL_ROOT = "/var/vmail";

/** Canonical form of a textual UUID/GUID (lower case, no braces); undefined if it is not one. */
export function canonicalUuid(raw: string): string | undefined {
  const s = raw
    .trim()
    .replace(/^\{|\}$/g, "")
    .toLowerCase();
  return UUID.test(s) ? s : undefined;
}

/**
 * AD objectGUID bytes → the GUID string Exchange prints in its `Guid` column.
 * Microsoft stores the first three groups little-endian.
 */
export function guidFromObjectGuidBytes(bytes: Uint8Array): string | undefined {
  if (bytes.length !== 16) return undefined;
  const hex = (i: number) => bytes[i]!.toString(16).padStart(2, "0");
  const group = (idx: number[]) => idx.map(hex).join("");
  return [group([3, 2, 1, 0]), group([5, 4]), group([7, 6]), group([8, 9]), group([10, 11, 12, 13, 14, 15])].join("-");
}

/** Inverse of guidFromObjectGuidBytes (the generator writes objectGUID:: with it). */
export function objectGuidBytesFromGuid(guid: string): Uint8Array {
  const h = guid.replace(/-/g, "");
  const b = (i: number) => parseInt(h.slice(i * 2, i * 2 + 2), 16);
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  return Uint8Array.from(order.map(b));
}

/** Mailbox home: a fan-out directory plus the immutable id, nothing else. */
export function homeFor(mailboxId: string, mailRoot: string = DEFAULT_MAIL_ROOT): string {
  return `${mailRoot.replace(/\/+$/, "")}/${mailboxId.slice(0, 2)}/${mailboxId}`;
}

/** Pulumi resource name of a mailbox's encryption key. */
export function keyNameFor(mailboxId: string): string {
  return `key-${mailboxId}`;
}
