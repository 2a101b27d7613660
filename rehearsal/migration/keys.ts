// Per-mailbox key passwords for a rehearsal: derived from a random per-run secret, so a run
// can recompute them without storing them, and two runs never share one. Never print them.
import { createHmac, randomBytes } from "node:crypto";

/** A fresh secret for one rehearsal run. */
export function newRunSecret(): Buffer {
  return randomBytes(32);
}

/** HMAC-SHA256(runSecret, mailboxId) as hex: 48 alphanumeric characters, safe in a passwd-file. */
export function rehearsalKeyPassword(mailboxId: string, runSecret: Buffer): string {
  return createHmac("sha256", runSecret).update(mailboxId).digest("hex").slice(0, 48);
}
