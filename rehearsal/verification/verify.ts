// Verification of a migrated target: canaries to every address (only AFTER the final backup -R:
// an earlier delivery would make backup -R fail or expunge), bodies read, fingerprints, and on a
// rehearsal target also encryption at rest and each mailbox's own key.
import { randomBytes } from "node:crypto";
import type { DovecotInstance } from "../dovecot/dovecot-instance";
import { endpointsOf, type MailEndpoints } from "./endpoints";
import { readMailbox, type ReadMessage } from "../dovecot/imap-read";
import { deliverLmtp, rawMessage } from "../dovecot/lmtp";
import { mapLimited } from "../migration/map-limited";
import { bodyReadableFinding, CANARY_HEADER, canaryFinding, canaryTokens, fingerprintFinding, type ReadResult, type SentCanary } from "./content";
import { lookupUserdb } from "./userdb-lookup";
import { verifyEncryption } from "./encryption";
import { verifyOwnKeys } from "./keys";
import type { ExpectedMailbox, Finding } from "./types";
import { appendAll } from "@oxmig/core/append";

export interface CanaryOptions {
  /** Messages seeded per source mailbox; fingerprints are checked only when given. */
  readonly seededPerMailbox?: number;
  /** Normalised address → target login, i.e. the MTA's routing table. Default: each mailbox's addresses to its login. */
  readonly routes?: ReadonlyMap<string, string>;
  /** Parallel IMAP sessions and doveadm processes (default 4). */
  readonly parallelism?: number;
  /** Called after each mailbox was read (progress). */
  readonly onMailbox?: () => void;
}

export interface VerifyOptions extends CanaryOptions {
  /** mailboxId → the key password the bindings give it; enables the own-key check. Secret. */
  readonly keyPasswords?: ReadonlyMap<string, string>;
}

/** Canaries to every address, read back as each owner through the master user, then removed. */
export async function verifyCanaries(endpoints: MailEndpoints, expected: readonly ExpectedMailbox[], options: CanaryOptions = {}): Promise<Finding[]> {
  const sent = await sendCanaries(endpoints, expected, options.routes);
  const isCanary = (m: ReadMessage) => canaryTokens({ messages: [m] }).size > 0;
  const results = await mapLimited(expected, options.parallelism ?? 4, async (mailbox) => {
    const content = await readMailbox(endpoints, mailbox.login, isCanary);
    options.onMailbox?.();
    return { mailbox, content };
  });
  const findings: Finding[] = [];
  for (const result of results) {
    findings.push(bodyReadableFinding(result), canaryFinding(result, results, sent));
    if (options.seededPerMailbox !== undefined) findings.push(fingerprintFinding(result, options.seededPerMailbox));
  }
  appendAll(findings, results.flatMap(removalFinding));
  return findings;
}

/** Everything on a rehearsal target: canaries, fingerprints, encryption at rest, own keys. */
export async function verifyTarget(target: DovecotInstance, expected: readonly ExpectedMailbox[], options: VerifyOptions = {}): Promise<Finding[]> {
  const parallelism = options.parallelism ?? 4;
  const findings = await verifyCanaries(endpointsOf(target), expected, options);
  const running = await lookupUserdb(
    target,
    expected.map((m) => m.login),
  );
  const homes = new Map([...running].map(([login, entry]) => [login, entry.home ?? "(no home)"]));
  appendAll(findings, await mapLimited(expected, parallelism, (m) => verifyEncryption(target, m, expected, homes)));
  if (options.keyPasswords) appendAll(findings, verifyOwnKeys(expected, options.keyPasswords, running));
  return findings;
}

async function sendCanaries(endpoints: MailEndpoints, expected: readonly ExpectedMailbox[], routes?: ReadonlyMap<string, string>): Promise<SentCanary[]> {
  const run = randomBytes(6).toString("hex");
  const planned = expected.flatMap((m) => m.addresses.map((address) => ({ mailboxId: m.mailboxId, address, login: routes?.get(address) ?? m.login })));
  const tokens = planned.map((_, i) => `oxmig-canary-${run}-${i}`);
  const outcomes = await deliverLmtp(
    endpoints.lmtp,
    planned.map((p, i) => ({
      recipient: p.login,
      raw: rawMessage({ To: p.address, Subject: `Canary ${tokens[i]}`, [CANARY_HEADER]: tokens[i]! }, `Canary for ${p.address}: ${tokens[i]}\n`),
    })),
    4,
  );
  return planned.map((p, i) => ({ token: tokens[i]!, mailboxId: p.mailboxId, address: p.address, delivered: outcomes[i]!.ok, reply: outcomes[i]!.reply }));
}

/** Canaries stay out of people's mailboxes: one that could not be removed is a failed finding. */
function removalFinding({ mailbox, content }: ReadResult): Finding[] {
  const why = content.readError ? "mailbox not readable, canaries may remain" : content.removeError;
  return why ? [{ mailboxId: mailbox.mailboxId, login: mailbox.login, check: "canary", ok: false, detail: `canaries not removed: ${why}` }] : [];
}
