// Named settings for `oxmig generate --profile`: staging adds the hand-made traps reviewers must see.
import type { CuratedPerson, PeopleFeatures } from "./population";

export type ProfileName = "default" | "staging";
export const PROFILE_NAMES: readonly ProfileName[] = ["default", "staging"];

export interface Profile {
  /** Organisations; undefined = as many catalogue organisations as the head count suggests. */
  readonly organisations?: readonly string[];
  readonly waveSize: number;
  readonly features: PeopleFeatures;
}

/** The staging traps, placed before the random people so their uids and addresses are the plain ones. */
const STAGING_CURATED: readonly CuratedPerson[] = [
  // Homonyms in two organisations: mmueller (fa-luebeck) and mmueller2 (im) must never be swapped.
  { givenName: "Maria", surname: "Müller", organisation: "fa-luebeck", shortAlias: true, delegateOf: ["poststelle"] },
  { givenName: "Jan", surname: "Schmidt", organisation: "fa-luebeck", delegateOf: ["poststelle", "raum-101"] },
  { givenName: "Maria", surname: "Müller", organisation: "im", shortAlias: true },
  { givenName: "Jürgen", surname: "Weiß", organisation: "fa-luebeck", shortAlias: true, formerSurname: "Groß" },
  { givenName: "Hans-Jürgen", surname: "Meyer-Lüdenscheid", organisation: "im", delegateOf: ["poststelle", "beamer-1"] },
  { givenName: "Björn", surname: "Öztürk", organisation: "stk", shortAlias: true, delegateOf: ["poststelle"] },
  { givenName: "Zoë", surname: "Strauß", organisation: "stk", delegateOf: ["raum-101"] },
  { givenName: "Käthe", surname: "Schäfer", organisation: "lkn" },
  { givenName: "Sören", surname: "Groß", organisation: "fa-ploen", shortAlias: true },
  // Disabled: in the directory and in Exchange, not in the plan. One locked in LDAP, one disabled in AD.
  { givenName: "Günter", surname: "Groß", organisation: "fa-kiel", disabled: true, shortAlias: true },
  { givenName: "Jördis", surname: "Köhler", organisation: "lkn", disabled: true },
];

const PROFILES: Record<ProfileName, Profile> = {
  default: { waveSize: 50, features: {} },
  staging: {
    organisations: ["fa-luebeck", "im", "fa-kiel", "fa-ploen", "lkn", "stk"],
    waveSize: 25,
    features: { curated: STAGING_CURATED },
  },
};

export function profile(name: ProfileName): Profile {
  return PROFILES[name];
}
