// Verification of a migrated target: canaries to every address (only AFTER the final backup -R:
// an earlier delivery would make backup -R fail or expunge), bodies read, fingerprints, encryption.
import { randomBytes } from "node:crypto";
import type { DovecotInstance } from "./dovecot-instance";
import { readMailbox, type ReadMessage } from "./imap-read";
import { deliverLmtp, rawMessage } from "./lmtp";
import { mapLimited } from "./map-limited";
import { bodyReadableFinding, CANARY_HEADER, canaryFinding, canaryTokens, fingerprintFinding, type ReadResult, type SentCanary } from "./verify-content";
import { userdbHomes, verifyEncryption } from "./verify-encryption";
import type { ExpectedMailbox, Finding } from "./verify-types";

export interface VerifyOptions {
  /** Messages seeded per source mailbox; fingerprints are checked only when given. */
  readonly seededPerMailbox?: number;
  /** Address → target login, i.e. the MTA's routing table. Default: each mailbox's addresses to its login. */
  readonly routes?: ReadonlyMap<string, string>;
  /** Parallel IMAP sessions while reading (default 4). */
  readonly parallelism?: number;
}

export async function verifyTarget(target: DovecotInstance, expected: readonly ExpectedMailbox[], options: VerifyOptions = {}): Promise<Finding[]> {
  const sent = await sendCanaries(target, expected, options.routes);
  const isCanary = (m: ReadMessage) => canaryTokens({ messages: [m] }).size > 0;
  const results = await mapLimited(expected, options.parallelism ?? 4, async (mailbox) => ({ mailbox, content: await readMailbox(target, mailbox.login, isCanary) }));
  const findings: Finding[] = [];
  for (const result of results) {
    findings.push(bodyReadableFinding(result), canaryFinding(result, results, sent));
    if (options.seededPerMailbox !== undefined) findings.push(fingerprintFinding(result, results, options.seededPerMailbox));
  }
  findings.push(...results.flatMap(removalFinding));
  const homes = await userdbHomes(target, expected.map((m) => m.login));
  findings.push(...(await mapLimited(expected, options.parallelism ?? 4, (m) => verifyEncryption(target, m, expected, homes))));
  return findings;
}

async function sendCanaries(target: DovecotInstance, expected: readonly ExpectedMailbox[], routes?: ReadonlyMap<string, string>): Promise<SentCanary[]> {
  const run = randomBytes(6).toString("hex");
  const planned = expected.flatMap((m) => m.addresses.map((address) => ({ mailboxId: m.mailboxId, address, login: routes?.get(address) ?? m.login })));
  const tokens = planned.map((_, i) => `oxmig-canary-${run}-${i}`);
  const outcomes = await deliverLmtp(target.lmtpPort, planned.map((p, i) => ({
    recipient: p.login,
    raw: rawMessage({ To: p.address, Subject: `Canary ${tokens[i]}`, [CANARY_HEADER]: tokens[i]! }, `Canary for ${p.address}: ${tokens[i]}\n`),
  })));
  return planned.map((p, i) => ({ token: tokens[i]!, mailboxId: p.mailboxId, address: p.address, delivered: outcomes[i]!.ok, reply: outcomes[i]!.reply }));
}

/** Canaries stay out of people's mailboxes: one that could not be removed is a failed finding. */
function removalFinding({ mailbox, content }: ReadResult): Finding[] {
  const why = content.readError ? "mailbox not readable, canaries may remain" : content.removeError;
  return why ? [{ mailboxId: mailbox.mailboxId, login: mailbox.login, check: "canary", ok: false, detail: `canaries not removed: ${why}` }] : [];
}
