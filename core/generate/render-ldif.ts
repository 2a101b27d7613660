// directory.ldif: the people tree as an OpenLDAP/AD export would show it (RFC 2849, via formatLdif).
import { objectGuidBytesFromGuid } from "../ids";
import { formatLdif, type LdifRecordToWrite } from "../ldif";
import type { Organisation } from "./organisations";
import type { GeneratedPerson } from "./population";

export const BASE_DN = "dc=land,dc=example";
const PEOPLE_DN = `ou=people,${BASE_DN}`;
/** When the generated disabled accounts were locked. */
const LOCKED_AT = "20250801000000Z";
/** userAccountControl NORMAL_ACCOUNT, and with ACCOUNTDISABLE. */
const UAC_ENABLED = "512";
const UAC_DISABLED = "514";

export function renderDirectory(organisations: readonly Organisation[], people: readonly GeneratedPerson[]): string {
  const root: LdifRecordToWrite = {
    dn: PEOPLE_DN,
    attributes: [
      ["objectClass", "organizationalUnit"],
      ["ou", "people"],
    ],
  };
  return formatLdif([root, ...organisations.map(organisationRecord), ...people.map(personRecord)]);
}

function organisationRecord(organisation: Organisation): LdifRecordToWrite {
  return {
    dn: `ou=${organisation.name},${PEOPLE_DN}`,
    attributes: [
      ["objectClass", "organizationalUnit"],
      ["ou", organisation.name],
      ["description", organisation.title],
    ],
  };
}

function personRecord(person: GeneratedPerson): LdifRecordToWrite {
  const attributes: [string, string | Uint8Array][] = [
    ["objectClass", "top"],
    ["objectClass", "person"],
    ["objectClass", "organizationalPerson"],
    ["objectClass", "inetOrgPerson"],
    ...(person.aliases.length > 0 ? [["objectClass", "oxmigPerson"] as [string, string]] : []),
    ["uid", person.uid],
    ["cn", person.displayName],
    ["displayName", person.displayName],
    ["givenName", person.givenName],
    ["sn", person.surname],
    ["mail", person.mail],
    ...person.aliases.map((alias): [string, string] => ["mailAlternateAddress", alias]),
    ["ou", person.organisation.name],
    ...(person.entryUuid ? [["entryUUID", person.entryUuid] as [string, string]] : []),
    ...(person.objectGuid ? [["objectGUID", objectGuidBytesFromGuid(person.objectGuid)] as [string, Uint8Array]] : []),
  ];
  if (person.organisation.fromActiveDirectory) attributes.push(["userAccountControl", person.disabled ? UAC_DISABLED : UAC_ENABLED]);
  else if (person.disabled) attributes.push(["pwdAccountLockedTime", LOCKED_AT]);
  return { dn: `uid=${person.uid},ou=${person.organisation.name},${PEOPLE_DN}`, attributes };
}
