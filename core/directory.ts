// directory.ldif → people. Every problem is collected so that one run shows all of them.
import { isUtf8 } from "node:buffer";
import { toAddress } from "./address";
import { InputError, InputErrors } from "./errors";
import { canonicalUuid, guidFromObjectGuidBytes } from "./ids";
import { parseLdif, type LdifEntry, type LdifValue } from "./ldif";
import type { Address, Person } from "./model";
import { forbiddenCharacterProblem } from "./text";

const PERSON_CLASSES = new Set(["person", "inetorgperson", "user"]);
/** AD computer accounts carry objectClass user too; they are never mailbox owners. */
const NON_PERSON_CLASSES = new Set(["computer"]);
/** userAccountControl ACCOUNTDISABLE. */
const UAC_DISABLED = 0x2;
/** The text attributes a person is built from (lower-cased → as written in messages); they end up in OX, userdb and reports. */
const TEXT_ATTRIBUTES: ReadonlyMap<string, string> = new Map([
  ["uid", "uid"],
  ["displayname", "displayName"],
  ["cn", "cn"],
  ["givenname", "givenName"],
  ["sn", "sn"],
  ["ou", "ou"],
  ["mail", "mail"],
  ["mailalternateaddress", "mailAlternateAddress"],
  ["entryuuid", "entryUUID"],
]);

type Report = (line: number, problem: string) => void;
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Parses the directory export; throws InputError (one problem) or InputErrors (several). */
export function parseDirectory(input: string | Uint8Array, file: string): Person[] {
  const errors: InputError[] = [];
  const report: Report = (line, problem) => errors.push(new InputError(file, `line ${line}`, problem));
  const people: Person[] = [];
  const seenIds = new Map<string, number>();
  for (const entry of parseLdif(input, file)) {
    if (!isPerson(entry)) continue;
    const person = toPerson(entry, report);
    if (!person) continue;
    const earlier = seenIds.get(person.immutableId);
    if (earlier !== undefined) {
      report(person.line, `duplicate immutable id ${person.immutableId}: also used by the entry at line ${earlier}`);
      continue;
    }
    seenIds.set(person.immutableId, person.line);
    people.push(person);
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new InputErrors(errors);
  return people;
}

function isPerson(entry: LdifEntry): boolean {
  const classes = (entry.attributes.get("objectclass") ?? []).map((v) => v.text.trim().toLowerCase());
  return classes.some((c) => PERSON_CLASSES.has(c)) && !classes.some((c) => NON_PERSON_CLASSES.has(c));
}

function toPerson(entry: LdifEntry, report: Report): Person | undefined {
  let failed = false;
  const fail: Report = (line, problem) => {
    failed = true;
    report(line, problem);
  };
  checkText(entry, fail);
  const single = (name: string) => singleValue(entry, name, fail);
  const uid = single("uid");
  if (!uid) fail(entry.line, `person "${entry.dn}" has no uid`);
  const ids = immutableIds(entry, single, fail);
  const mailValue = single("mail");
  const mail = mailValue ? parseAddress(mailValue, "mail", fail) : undefined;
  const aliases = (entry.attributes.get("mailalternateaddress") ?? [])
    .map((v) => parseAddress(v, "mailAlternateAddress", fail))
    .filter((a): a is Address => a !== undefined);
  const ou = organisation(entry, fail);
  const disabled = isDisabled(entry, fail);
  if (failed || !uid || !ids || ou === undefined) return undefined;
  const displayName = first(entry, "displayname") ?? first(entry, "cn") ?? uid.text;
  const givenName = first(entry, "givenname");
  const sn = first(entry, "sn");
  return {
    dn: entry.dn,
    line: entry.line,
    uid: uid.text,
    ...ids,
    displayName,
    ...(givenName !== undefined ? { givenName } : {}),
    ...(sn !== undefined ? { sn } : {}),
    ...(mail ? { mail } : {}),
    aliases,
    ou,
    disabled,
  };
}

/** Text that is not UTF-8 (a base64 value decodes to any bytes) or holds control characters never reaches OX. */
function checkText(entry: LdifEntry, fail: Report): void {
  const dnProblem = forbiddenCharacterProblem(entry.dn);
  if (dnProblem) fail(entry.line, `dn ${dnProblem}`);
  for (const [name, shown] of TEXT_ATTRIBUTES) {
    for (const value of entry.attributes.get(name) ?? []) {
      if (value.bytes && !isUtf8(value.bytes)) fail(value.line, `"${shown}::" value is not valid UTF-8 text`);
      else {
        const problem = forbiddenCharacterProblem(value.text);
        if (problem) fail(value.line, `${shown} ${problem}`);
      }
    }
  }
}

function first(entry: LdifEntry, name: string): string | undefined {
  return entry.attributes.get(name)?.[0]?.text;
}

function singleValue(entry: LdifEntry, name: string, fail: Report): LdifValue | undefined {
  const values = entry.attributes.get(name.toLowerCase()) ?? [];
  if (values.length > 1) {
    fail(values[1]!.line, `"${name}" is single-valued but "${entry.dn}" has ${values.length} values (first at line ${values[0]!.line})`);
  }
  return values[0];
}

type Ids = Pick<Person, "immutableId" | "idSource" | "objectGuid">;

/** entryUUID wins; AD objectGUID (16 raw bytes, little-endian first groups) otherwise. */
function immutableIds(entry: LdifEntry, single: (name: string) => LdifValue | undefined, fail: Report): Ids | undefined {
  const entryUuid = single("entryUUID");
  const objectGuidValue = single("objectGUID");
  let objectGuid: string | undefined;
  if (objectGuidValue) {
    objectGuid = objectGuidValue.bytes ? guidFromObjectGuidBytes(objectGuidValue.bytes) : undefined;
    if (!objectGuid) {
      fail(
        objectGuidValue.line,
        `objectGUID must be 16 bytes written base64 as "objectGUID::" (found ${objectGuidValue.bytes ? `${objectGuidValue.bytes.length} bytes` : "plain text"})`,
      );
      return undefined;
    }
  }
  if (entryUuid) {
    const id = canonicalUuid(entryUuid.text);
    if (!id) {
      fail(entryUuid.line, `entryUUID "${entryUuid.text}" is not a UUID`);
      return undefined;
    }
    return { immutableId: id, idSource: "entryUUID", ...(objectGuid ? { objectGuid } : {}) };
  }
  if (objectGuid) return { immutableId: objectGuid, idSource: "objectGUID", objectGuid };
  fail(entry.line, `"${entry.dn}": missing immutable id (entryUUID or objectGUID)`);
  return undefined;
}

function parseAddress(value: LdifValue, attribute: string, fail: Report): Address | undefined {
  try {
    return toAddress(value.text);
  } catch (err) {
    fail(value.line, `${attribute}: ${(err as Error).message}`);
    return undefined;
  }
}

/** The entry's `ou` attribute, else the first `ou=` RDN of its dn. */
function organisation(entry: LdifEntry, fail: Report): string | undefined {
  const values = entry.attributes.get("ou") ?? [];
  if (values.length > 1) {
    fail(values[1]!.line, `"${entry.dn}" has ${values.length} ou values; the organisation (and so the OX context) would be ambiguous`);
    return undefined;
  }
  if (values[0]) return values[0].text;
  let ou: string | undefined;
  try {
    ou = ouFromDn(entry.dn);
  } catch {
    fail(entry.line, `the ou= of the dn has hex escapes that are not UTF-8`);
    return undefined;
  }
  if (!ou) fail(entry.line, `"${entry.dn}" has no organisation: neither an ou attribute nor ou= in the dn`);
  const problem = ou ? forbiddenCharacterProblem(ou) : undefined;
  if (problem) fail(entry.line, `the ou= of the dn ${problem}`);
  return problem ? undefined : ou;
}

/** First `ou=` RDN value, with RFC 4514 escapes (`\,` and `\2C`) undone; throws when hex escapes are not UTF-8. */
export function ouFromDn(dn: string): string | undefined {
  const rdns = dn.match(/(?:\\.|[^,\\])+/g) ?? [];
  for (const rdn of rdns) {
    const m = /^\s*ou\s*=\s*(.*?)\s*$/i.exec(rdn);
    if (m) {
      const hexDecoded = m[1]!.replace(/((?:\\[0-9a-fA-F]{2})+)/g, (seq) => STRICT_UTF8.decode(Buffer.from(seq.replace(/\\/g, ""), "hex")));
      return hexDecoded.replace(/\\(.)/g, "$1");
    }
  }
  return undefined;
}

function isDisabled(entry: LdifEntry, fail: Report): boolean {
  if (entry.attributes.has("pwdaccountlockedtime")) return true;
  const uac = entry.attributes.get("useraccountcontrol")?.[0];
  if (!uac) return false;
  if (!/^\d+$/.test(uac.text.trim())) {
    fail(uac.line, `userAccountControl "${uac.text}" is not a number`);
    return false;
  }
  return (Number(uac.text) & UAC_DISABLED) !== 0;
}
