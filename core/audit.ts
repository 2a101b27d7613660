// Whose mail does each deployed target hold? Every message a target holds is matched with the
// messages of the source mailboxes that were read: by Message-ID, Date and size together, because
// one message sent to two people is two copies with the same Message-ID but different sizes (each
// copy carries its own delivery headers), and a copy must count for the person it was delivered to.
// Pure: the readers (audit/) fetch the messages, this module judges them.

/** One message as a mail server lists it; no content. */
export interface HeldMessage {
  readonly folder: string;
  readonly uid: number;
  /** The server's message GUID (Dovecot), used to remove exactly this message. */
  readonly guid?: string;
  /** Message-ID header as sent, angle brackets included; undefined when the message has none. */
  readonly messageId?: string;
  /** Date header as epoch milliseconds; undefined when missing or unreadable. */
  readonly sentAt?: number;
  /** RFC822.SIZE / Dovecot's virtual size (CRLF line ends). */
  readonly size: number;
}

export interface AuditedSource {
  readonly exchangeGuid: string;
  /** Whose mail this source holds, as a reviewer recognises them. */
  readonly owner: string;
  readonly messages: readonly HeldMessage[];
}

export interface AuditedTarget {
  readonly login: string;
  /** Who reads this target: "Name <address> (uid, organisation)", or "not in the plan". */
  readonly reader: string;
  /** Declared by the plan: then `rightfulSources` says whose mail belongs here. */
  readonly declared: boolean;
  /** ExchangeGuids whose mail belongs here according to the exports. */
  readonly rightfulSources: readonly string[];
  readonly messages: readonly HeldMessage[];
  /** Why the target could not be read completely (it is then not judged). */
  readonly readError?: string;
}

/** Mail of one source found in a target it does not belong to. */
export interface ForeignMail {
  readonly exchangeGuid: string;
  readonly owner: string;
  readonly messages: readonly HeldMessage[];
  /** Earliest and latest Date header of these messages (epoch ms); undefined when none had one. */
  readonly firstSent?: number;
  readonly lastSent?: number;
}

export type TargetVerdict =
  | { readonly login: string; readonly reader: string; readonly declared: boolean; readonly status: "unreadable"; readonly why: string }
  | {
      readonly login: string;
      readonly reader: string;
      readonly declared: boolean;
      /** clean: only its own mail; foreign: someone else's; mixed: an undeclared target holding several people's mail; adoptable: an undeclared target holding one person's mail. */
      readonly status: "clean" | "foreign" | "mixed" | "adoptable";
      readonly own: number;
      /** Messages found in no source that was read: mail delivered after cut-over, or from elsewhere. */
      readonly unattributed: number;
      readonly foreign: readonly ForeignMail[];
    };

/** The identity a message keeps across the migration: Message-ID, Date and size. */
export function messageKey(m: HeldMessage): string {
  return JSON.stringify([m.messageId?.trim() ?? null, m.sentAt ?? null, m.size]);
}

/** Which sources hold a copy with this identity. */
export function indexSources(sources: readonly AuditedSource[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const source of sources) {
    for (const m of source.messages) {
      const key = messageKey(m);
      const holders = index.get(key);
      if (!holders) index.set(key, [source.exchangeGuid]);
      else if (!holders.includes(source.exchangeGuid)) holders.push(source.exchangeGuid);
    }
  }
  for (const holders of index.values()) holders.sort();
  return index;
}

function foreignGroups(byGuid: ReadonlyMap<string, HeldMessage[]>, owners: ReadonlyMap<string, string>): ForeignMail[] {
  return [...byGuid]
    .map(([exchangeGuid, messages]) => {
      const dates = messages.flatMap((m) => (m.sentAt === undefined ? [] : [m.sentAt]));
      let first: number | undefined;
      let last: number | undefined;
      for (const d of dates) {
        if (first === undefined || d < first) first = d;
        if (last === undefined || d > last) last = d;
      }
      return {
        exchangeGuid,
        owner: owners.get(exchangeGuid) ?? `source ${exchangeGuid}`,
        messages,
        ...(first !== undefined ? { firstSent: first } : {}),
        ...(last !== undefined ? { lastSent: last } : {}),
      };
    })
    .sort((a, b) => b.messages.length - a.messages.length || a.owner.localeCompare(b.owner));
}

/**
 * Judges one target. A message is its own when a rightful source holds a copy with its identity,
 * foreign when only other sources do (attributed to the first of them), unattributed otherwise.
 * An undeclared target has no rightful source: it is adoptable when all its attributed mail belongs
 * to one person, mixed when to several.
 */
export function judgeTarget(target: AuditedTarget, index: ReadonlyMap<string, readonly string[]>, owners: ReadonlyMap<string, string>): TargetVerdict {
  const { login, reader, declared } = target;
  if (target.readError !== undefined) return { login, reader, declared, status: "unreadable", why: target.readError };
  const rightful = new Set(target.rightfulSources);
  let own = 0;
  let unattributed = 0;
  const byGuid = new Map<string, HeldMessage[]>();
  for (const m of target.messages) {
    const holders = index.get(messageKey(m)) ?? [];
    if (holders.length === 0) unattributed++;
    else if (holders.some((g) => rightful.has(g))) own++;
    else {
      const guid = holders[0]!;
      const list = byGuid.get(guid);
      if (list) list.push(m);
      else byGuid.set(guid, [m]);
    }
  }
  const foreign = foreignGroups(byGuid, owners);
  if (declared) return { login, reader, declared, status: foreign.length ? "foreign" : "clean", own, unattributed, foreign };
  const people = new Set(foreign.map((f) => f.owner));
  if (people.size <= 1) return { login, reader, declared, status: "adoptable", own, unattributed, foreign };
  return { login, reader, declared, status: "mixed", own, unattributed, foreign };
}

export interface AuditResult {
  readonly verdicts: readonly TargetVerdict[];
  readonly sourcesRead: number;
  /** Sources that could not be read: their mail cannot be recognised anywhere. */
  readonly unreadableSources: readonly { readonly exchangeGuid: string; readonly owner: string; readonly why: string }[];
}

/** Foreign mail was found (someone holds another person's mail). */
export function foundForeign(result: AuditResult): boolean {
  return result.verdicts.some((v) => v.status === "foreign" || v.status === "mixed");
}

/** The audit could not look at everything it was asked to. */
export function incomplete(result: AuditResult): boolean {
  return result.unreadableSources.length > 0 || result.verdicts.some((v) => v.status === "unreadable");
}

/**
 * The messages clean removes from one target: exactly the foreign ones the audit attributed to a
 * declared target. A mixed, undeclared target is left alone: nothing says which person it is for.
 */
export function foreignMessages(verdict: TargetVerdict): HeldMessage[] {
  if (verdict.status !== "foreign") return [];
  return verdict.foreign.flatMap((f) => f.messages);
}
