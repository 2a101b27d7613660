// The shared vocabulary: the three inputs of a stack and the binding chain resolved from them.
// Pure types only; every other layer (infra, policies, rehearsal, CLI) speaks these.

/** An e-mail address as written (for display) and in its comparison form. */
export interface Address {
  readonly display: string;
  /** NFC, lower-cased, IDN domain in punycode: the only form ever compared. */
  readonly normalised: string;
}

/** One person from the directory export (directory.ldif). */
export interface Person {
  readonly dn: string;
  /** Canonical lower-case UUID from entryUUID, else from AD objectGUID. Never changes. */
  readonly immutableId: string;
  readonly idSource: "entryUUID" | "objectGUID";
  /** Canonical UUID of AD objectGUID when the directory carries it (matches Exchange `Guid`). */
  readonly objectGuid?: string;
  readonly uid: string;
  readonly displayName: string;
  readonly givenName?: string;
  readonly sn?: string;
  /** Primary address (`mail`), when the person has one. */
  readonly mail?: Address;
  /** `mailAlternateAddress` values. */
  readonly aliases: readonly Address[];
  /** The organisation; selects the OX context. */
  readonly ou: string;
  readonly disabled: boolean;
  /** 1-based line of the entry's `dn:` in the LDIF file. */
  readonly line: number;
}

export type RecipientType = "UserMailbox" | "SharedMailbox" | "RoomMailbox" | "EquipmentMailbox";

/** One source mailbox from the Exchange export (exchange.csv). */
export interface SourceMailbox {
  /** 1-based line of the CSV record. */
  readonly line: number;
  readonly displayName: string;
  readonly alias: string;
  readonly samAccountName: string;
  readonly userPrincipalName: string;
  readonly primarySmtp: Address;
  /** Every `smtp:`/`SMTP:` address, primary first. Other prefixes (X500:, …) are dropped. */
  readonly addresses: readonly Address[];
  /** Canonical UUID of the mailbox (ExchangeGuid). */
  readonly exchangeGuid: string;
  readonly type: RecipientType;
  /** Canonical UUID of the owning AD account (`Guid` column). */
  readonly ownerGuid: string;
}

export type MailboxKind = "personal" | "shared" | "room" | "equipment";

export type WavePhase = "copying" | "cut-over" | "done";

export interface PlanMailbox {
  /** Exchange PrimarySmtpAddress as written in the plan. */
  readonly source: string;
  readonly kind: MailboxKind;
  /** Directory uid of the owner (personal mailboxes only). */
  readonly owner?: string;
  /** Directory uids with access (shared, room, equipment). */
  readonly delegates: readonly string[];
  /** Extra addresses routed to this mailbox besides the directory's/Exchange's own. */
  readonly aliases: readonly string[];
  /** Why this mailbox may live in a context other than its owner's organisation. */
  readonly contextException?: string;
  /** Reviewed reason why a mailbox past cut-over may change its Exchange source (plan `rebind`). */
  readonly rebind?: string;
  /** Reviewed reason why a mailbox past cut-over may get a new home and key (plan `rekey`). */
  readonly rekey?: string;
  /** Containment: the owner's login is blocked while an incident is cleaned up; the incident reference (plan `contain`). */
  readonly contain?: string;
  /** Re-migration after a wrong pairing was applied and cleaned (plan `remigrate`): the reviewed reason (docs/incident.md, 4–5). */
  readonly remigrate?: string;
  /** 1-based line of this entry in plan.yaml. */
  readonly line: number;
  /** 1-based line of its `owner:` key (personal mailboxes), where an unknown owner is reported. */
  readonly ownerLine?: number;
}

export interface Wave {
  readonly name: string;
  /** OX context name. */
  readonly context: string;
  readonly phase: WavePhase;
  /** Canary delivery to the wave's targets (plan `canaries`; default: only from cut-over on). */
  readonly canaries?: boolean;
  /** Why the phase deliberately moves backwards against the lock (plan `phaseRollback`). */
  readonly phaseRollback?: string;
  /** Why the phase deliberately skips a step against the lock (plan `phaseSkip`). */
  readonly phaseSkip?: string;
  /** Mailboxes of this wave copied at the same time (plan `parallelism`; default: the stack's migrationParallelism). */
  readonly parallelism?: number;
  readonly mailboxes: readonly PlanMailbox[];
  readonly line: number;
}

export interface ContextSpec {
  readonly name: string;
  /** OX numeric context id, when fixed by the plan. */
  readonly id?: number;
  /** Directory `ou` served by this context (default: the context name). */
  readonly organisation: string;
}

export interface Plan {
  readonly waves: readonly Wave[];
  readonly contexts: readonly ContextSpec[];
}

/** Where each input came from, for error messages and for the policy pack to reread. */
export interface InventoryFiles {
  readonly directory: string;
  readonly exchange: string;
  readonly plan: string;
}

export interface Inventory {
  readonly files: InventoryFiles;
  readonly people: readonly Person[];
  readonly sources: readonly SourceMailbox[];
  readonly plan: Plan;
}

/** The resolved chain for one target mailbox: who owns it and everything that routes mail to it. */
export interface Binding {
  /** Stable id of the mailbox: the owner's immutable id (personal) or the source ExchangeGuid (others). */
  readonly mailboxId: string;
  readonly kind: MailboxKind;
  readonly wave: string;
  readonly context: string;
  readonly planLine: number;
  /** Owner (personal mailboxes). */
  readonly owner?: {
    readonly uid: string;
    readonly immutableId: string;
    readonly displayName: string;
    readonly ou: string;
    readonly dn: string;
  };
  readonly displayName: string;
  /** OX user `name` (the OX login), unique per context. */
  readonly oxName: string;
  /** OX `imapLogin`; OX opens this Dovecot mailbox for the user. */
  readonly imapLogin: string;
  /** Dovecot userdb user name. */
  readonly dovecotLogin: string;
  /** Mailbox home, derived from mailboxId only. */
  readonly home: string;
  /** Pulumi name of the per-user key resource, derived from mailboxId only. */
  readonly keyName: string;
  readonly primaryAddress: Address;
  /** Every address routed to this mailbox, primary first, no duplicates. */
  readonly addresses: readonly Address[];
  readonly delegates: readonly string[];
  readonly source: {
    readonly address: Address;
    readonly exchangeGuid: string;
    readonly ownerGuid: string;
    /** Login used to read the source over IMAP (`imapc_user`). */
    readonly login: string;
    readonly type: RecipientType;
  };
  readonly contextException?: string;
  /** Containment reason (plan `contain`): login refused at Dovecot and OX, mail still delivered and cleanable. */
  readonly contain?: string;
  /** Re-migration reason (plan `remigrate`): the wave's Job imports into this mailbox what its source holds and it lacks. */
  readonly remigrate?: string;
}
