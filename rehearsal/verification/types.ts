// What verification expects and what it reports.
import type { Binding } from "@oxmig/core/model";
import { personLabel, sourceLabel, type SourceEvidence } from "@oxmig/core/source-ownership";

/** One target mailbox and what may be in it. */
export interface ExpectedMailbox {
  readonly mailboxId: string;
  /** Target Dovecot login. */
  readonly login: string;
  readonly home: string;
  /** Who reads this mailbox, as a reviewer recognises them (name, address, uid, organisation). */
  readonly reader: string;
  /** Normalised addresses routed to this mailbox. */
  readonly addresses: readonly string[];
  /** Source mailboxes whose mail belongs here (fingerprint owners). */
  readonly sourceExchangeGuids: readonly string[];
  /** ExchangeGuid → whose mail that source holds (one map shared by every mailbox of a run). */
  readonly sourceOwners: ReadonlyMap<string, string>;
}

export type Check = "canary" | "fingerprint" | "encryption" | "body-readable" | "key" | "migration" | "userdb" | "lifecycle";

export interface Finding {
  readonly mailboxId: string;
  readonly login: string;
  readonly check: Check;
  readonly ok: boolean;
  readonly detail: string;
}

function readerOf(b: Binding): string {
  return b.owner ? `${b.owner.displayName} (${b.owner.uid}, ${b.owner.ou})` : `${b.kind} mailbox ${b.displayName} <${b.primaryAddress.display}>`;
}

/**
 * The plan's own expectation: each target holds the source the plan pairs it with. Only for checks
 * that do not judge whose mail a mailbox holds (routing, canaries, keys of a deployed target); a
 * wrong plan passes its own expectation, so content is judged with expectedFromEvidence.
 */
export function expectedFromBindings(bindings: readonly Binding[]): ExpectedMailbox[] {
  const sourceOwners = new Map(bindings.map((b) => [b.source.exchangeGuid, `${readerOf(b)} (as planned)`]));
  return bindings.map((b) => ({
    mailboxId: b.mailboxId,
    login: b.dovecotLogin,
    home: b.home,
    reader: readerOf(b),
    addresses: b.addresses.map((a) => a.normalised),
    sourceExchangeGuids: [b.source.exchangeGuid],
    sourceOwners,
  }));
}

/**
 * What each target may hold according to the exports, not the plan: mail of the Exchange mailboxes
 * that belong to the target's owner (ExchangeGuid → AD objectGUID → directory person), or of the
 * shared, room or equipment mailbox the target stands for. Only sources some binding migrates count
 * (nothing else is seeded, so nothing else can be missing).
 */
export function expectedFromEvidence(bindings: readonly Binding[], evidence: SourceEvidence): ExpectedMailbox[] {
  const planned = new Set(bindings.map((b) => b.source.exchangeGuid));
  const sourceOwners = new Map<string, string>();
  for (const guid of planned) {
    const source = evidence.sourceByGuid.get(guid);
    sourceOwners.set(guid, source ? sourceLabel(evidence, source) : `source ${guid}, not in the Exchange export`);
  }
  return bindings.map((b) => {
    const person = b.owner ? evidence.personById.get(b.owner.immutableId) : undefined;
    const rightful = b.owner
      ? (person ? evidence.sourcesOf(person) : []).map((s) => s.exchangeGuid)
      : [evidence.sourceByGuid.get(b.mailboxId)?.exchangeGuid].filter((g) => g !== undefined);
    return {
      mailboxId: b.mailboxId,
      login: b.dovecotLogin,
      home: b.home,
      reader: person ? personLabel(person) : readerOf(b),
      addresses: b.addresses.map((a) => a.normalised),
      sourceExchangeGuids: rightful.filter((g) => planned.has(g)),
      sourceOwners,
    };
  });
}
