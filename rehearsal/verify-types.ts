// What verification expects and what it reports.
import type { Binding } from "../core/model";

/** One target mailbox as the bindings say it must be. */
export interface ExpectedMailbox {
  readonly mailboxId: string;
  /** Target Dovecot login. */
  readonly login: string;
  readonly home: string;
  /** Normalised addresses routed to this mailbox. */
  readonly addresses: readonly string[];
  /** Source mailboxes whose mail belongs here (fingerprint owners). */
  readonly sourceExchangeGuids: readonly string[];
}

export type Check = "canary" | "fingerprint" | "encryption" | "body-readable" | "key" | "migration" | "userdb" | "lifecycle";

export interface Finding {
  readonly mailboxId: string;
  readonly login: string;
  readonly check: Check;
  readonly ok: boolean;
  readonly detail: string;
}

export function expectedFromBindings(bindings: readonly Binding[]): ExpectedMailbox[] {
  return bindings.map((b) => ({
    mailboxId: b.mailboxId,
    login: b.dovecotLogin,
    home: b.home,
    addresses: b.addresses.map((a) => a.normalised),
    sourceExchangeGuids: [b.source.exchangeGuid],
  }));
}
