// Whose Exchange mailbox is this, according to the exports alone: ExchangeGuid → the owning AD
// account (`Guid`) → the directory person with that objectGUID. Where the directory carries no
// objectGUID for anyone matching, the weaker evidence is the primary address plus the UPN's local
// part naming the uid (the same two strengths the policy pack's source-belongs-to-owner uses).
// The plan is never consulted: this is what a plan is judged against.
import type { Person, SourceMailbox } from "./model";

export type OwnershipStrength = "strong" | "weak";

export interface SourceOwnership {
  readonly person: Person;
  readonly strength: OwnershipStrength;
}

export interface SourceEvidence {
  readonly sourceByGuid: ReadonlyMap<string, SourceMailbox>;
  readonly personById: ReadonlyMap<string, Person>;
  /** The person a UserMailbox belongs to; undefined for other types and for sources nobody can be tied to. */
  ownerOf(source: SourceMailbox): SourceOwnership | undefined;
  /** Every UserMailbox that belongs to this person by the exports. */
  sourcesOf(person: Person): readonly SourceMailbox[];
}

/** The login part of a UPN, lower-cased: what the weak evidence compares with a directory uid. */
export function upnLocalPart(upn: string): string {
  const at = upn.lastIndexOf("@");
  return (at >= 0 ? upn.slice(0, at) : upn).toLowerCase();
}

export function sourceEvidence(people: readonly Person[], sources: readonly SourceMailbox[]): SourceEvidence {
  const byObjectGuid = new Map(people.filter((p) => p.objectGuid !== undefined).map((p) => [p.objectGuid!, p]));
  // Weak evidence only for people without an objectGUID: with one, only the objectGUID counts.
  const byMailAndUid = new Map<string, Person[]>();
  for (const p of people) {
    if (p.objectGuid !== undefined || p.mail === undefined) continue;
    const key = `${p.mail.normalised}\n${p.uid.toLowerCase()}`;
    byMailAndUid.set(key, [...(byMailAndUid.get(key) ?? []), p]);
  }
  const ownerOf = (source: SourceMailbox): SourceOwnership | undefined => {
    if (source.type !== "UserMailbox") return undefined;
    const account = byObjectGuid.get(source.ownerGuid);
    if (account) return { person: account, strength: "strong" };
    const weak = byMailAndUid.get(`${source.primarySmtp.normalised}\n${upnLocalPart(source.userPrincipalName)}`) ?? [];
    return weak.length === 1 ? { person: weak[0]!, strength: "weak" } : undefined;
  };
  const owned = new Map<string, SourceMailbox[]>();
  for (const s of sources) {
    const owner = ownerOf(s)?.person.immutableId;
    if (owner !== undefined) owned.set(owner, [...(owned.get(owner) ?? []), s]);
  }
  return {
    sourceByGuid: new Map(sources.map((s) => [s.exchangeGuid, s])),
    personById: new Map(people.map((p) => [p.immutableId, p])),
    ownerOf,
    sourcesOf: (person) => owned.get(person.immutableId) ?? [],
  };
}

/** "Maria Müller <maria.mueller@im.example> (mmueller, im)": a person as a reviewer recognises them. */
export function personLabel(p: Person): string {
  return `${p.displayName} <${p.mail?.display ?? "no address"}> (${p.uid}, ${p.ou}, id ${p.immutableId})`;
}

/** Whose mail an Exchange mailbox holds: its owner by the exports, else the mailbox itself. */
export function sourceLabel(evidence: SourceEvidence, source: SourceMailbox): string {
  const owner = evidence.ownerOf(source);
  if (owner) return `${personLabel(owner.person)}, Exchange mailbox ${source.primarySmtp.display}`;
  const kind = source.type === "UserMailbox" ? "Exchange mailbox of nobody in the directory" : source.type;
  return `${source.displayName} <${source.primarySmtp.display}> (${kind}, ExchangeGuid ${source.exchangeGuid})`;
}
