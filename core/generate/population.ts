// The synthetic population: people with unique uids and addresses, spread over organisations.
import { UsageError } from "../errors";
import type { Claims } from "./claims";
import { addressLocal, GIVEN_NAMES, initialLocal, SURNAMES, uidBase } from "./names";
import type { Organisation } from "./organisations";
import type { Random } from "./random";

export interface GeneratedPerson {
  readonly uid: string;
  readonly givenName: string;
  readonly surname: string;
  readonly displayName: string;
  readonly organisation: Organisation;
  /** Directory `mail` = Exchange PrimarySmtpAddress. */
  readonly mail: string;
  /** Directory mailAlternateAddress = Exchange secondary smtp: addresses. */
  readonly aliases: readonly string[];
  readonly disabled: boolean;
  readonly entryUuid?: string;
  /** Present only for people from Active Directory. */
  readonly objectGuid?: string;
  /** The AD account behind the mailbox (Exchange `Guid`); equals objectGuid when the directory carries one. */
  readonly accountGuid: string;
  readonly exchangeGuid: string;
}

/** A hand-made person placed before the random ones (the staging traps). */
export interface CuratedPerson {
  readonly givenName: string;
  readonly surname: string;
  readonly organisation: string;
  readonly disabled?: boolean;
  readonly shortAlias?: boolean;
  /** Adds `vorname.<former>@…` as an alias, as after a change of name. */
  readonly formerSurname?: string;
  /** Local parts of functional mailboxes of the same organisation this person is a delegate of. */
  readonly delegateOf?: readonly string[];
}

export interface PeopleFeatures {
  /** Share of random people whose account is disabled (default 0.02). */
  readonly disabledShare?: number;
  /** Share of random people with the alias `v.nachname` (default 0.4). */
  readonly shortAliasShare?: number;
  /** Share of random people with an alias from a former surname (default 0.05). */
  readonly formerNameShare?: number;
  /** People placed first, in this order (default none). */
  readonly curated?: readonly CuratedPerson[];
}

interface PersonDraft {
  readonly givenName: string;
  readonly surname: string;
  readonly organisation: Organisation;
  readonly disabled: boolean;
  readonly shortAlias: boolean;
  readonly formerSurname?: string;
}

/** `count` people in total (curated ones included), with `claims` recording every uid and address. */
export function generatePeople(
  count: number,
  organisations: readonly Organisation[],
  features: PeopleFeatures,
  random: Random,
  claims: { uids: Claims; addresses: Claims },
): GeneratedPerson[] {
  const drafts = [
    ...curatedDrafts(features.curated ?? [], organisations),
    ...randomDrafts(count - (features.curated?.length ?? 0), organisations, features, random),
  ];
  return drafts.map((draft) => materialise(draft, random, claims));
}

function curatedDrafts(curated: readonly CuratedPerson[], organisations: readonly Organisation[]): PersonDraft[] {
  return curated.map((c) => {
    const organisation = organisations.find((o) => o.name === c.organisation);
    if (!organisation)
      throw new UsageError(`Curated person "${c.givenName} ${c.surname}" belongs to "${c.organisation}", which is not among the organisations`);
    return {
      givenName: c.givenName,
      surname: c.surname,
      organisation,
      disabled: c.disabled ?? false,
      shortAlias: c.shortAlias ?? false,
      ...(c.formerSurname ? { formerSurname: c.formerSurname } : {}),
    };
  });
}

function randomDrafts(count: number, organisations: readonly Organisation[], features: PeopleFeatures, random: Random): PersonDraft[] {
  const weights = organisations.map((o) => o.weight);
  const drafts: PersonDraft[] = [];
  for (let i = 0; i < count; i++) {
    const surname = random.pick(SURNAMES);
    const former = random.chance(features.formerNameShare ?? 0.05) ? random.pick(SURNAMES) : undefined;
    drafts.push({
      givenName: random.pick(GIVEN_NAMES),
      surname,
      organisation: organisations[random.weighted(weights)]!,
      disabled: random.chance(features.disabledShare ?? 0.02),
      shortAlias: random.chance(features.shortAliasShare ?? 0.4),
      ...(former && former !== surname ? { formerSurname: former } : {}),
    });
  }
  return drafts;
}

function materialise(draft: PersonDraft, random: Random, claims: { uids: Claims; addresses: Claims }): GeneratedPerson {
  const { givenName, surname, organisation } = draft;
  const domain = organisation.domain;
  const base = uidBase(givenName, surname);
  const uid = claims.uids.withSuffix(base, (suffix) => `${base}${suffix}`);
  const local = addressLocal(givenName, surname);
  const mail = claims.addresses.withSuffix(`${local}@${domain}`, (suffix) => `${local}${suffix}@${domain}`);
  // Aliases are taken only when free: the second "M. Müller" simply does not get one.
  const wanted = [
    ...(draft.shortAlias ? [`${initialLocal(givenName, surname)}@${domain}`] : []),
    ...(draft.formerSurname ? [`${addressLocal(givenName, draft.formerSurname)}@${domain}`] : []),
  ];
  const aliases = wanted.filter((address) => claims.addresses.tryClaim(address));
  const accountGuid = random.uuid();
  const ad = organisation.fromActiveDirectory;
  // Some AD people were synced into an LDAP meta-directory and carry an entryUUID as well.
  const entryUuid = !ad || random.chance(1 / 3) ? random.uuid() : undefined;
  return {
    uid,
    givenName,
    surname,
    displayName: `${givenName} ${surname}`,
    organisation,
    mail,
    aliases,
    disabled: draft.disabled,
    ...(entryUuid ? { entryUuid } : {}),
    ...(ad ? { objectGuid: accountGuid } : {}),
    accountGuid,
    exchangeGuid: random.uuid(),
  };
}
