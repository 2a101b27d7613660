import { domainToASCII } from "node:url";
import type { Address } from "./model";

// Deliberately narrow: what Exchange and OX accept for mailbox addresses, not all of RFC 5322.
const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;

/** Why `raw` is not a usable mailbox address, or undefined when it is. */
export function addressProblem(raw: string): string | undefined {
  const at = raw.lastIndexOf("@");
  if (raw.trim() !== raw || raw.length === 0) return `address "${raw}" has surrounding whitespace or is empty`;
  if (at <= 0 || at === raw.length - 1) return `"${raw}" is not an e-mail address (expected local@domain)`;
  const local = raw.slice(0, at).normalize("NFC");
  const domain = raw.slice(at + 1);
  if (!LOCAL_PART.test(local)) return `"${raw}" has an invalid local part "${local}"`;
  const ascii = domainToASCII(domain.normalize("NFC").toLowerCase());
  if (!ascii || !ascii.includes(".")) return `"${raw}" has an invalid domain "${domain}"`;
  return undefined;
}

/** The comparison form: NFC, case-folded, IDN domain in punycode. */
export function normaliseAddress(raw: string): string {
  const at = raw.lastIndexOf("@");
  const local = raw.slice(0, at).normalize("NFC").toLowerCase();
  const domain = domainToASCII(
    raw
      .slice(at + 1)
      .normalize("NFC")
      .toLowerCase(),
  );
  return `${local}@${domain}`;
}

/** Parses an address; throws with the reason when it is malformed (callers wrap it in an InputError). */
export function toAddress(raw: string): Address {
  const problem = addressProblem(raw);
  if (problem) throw new Error(problem);
  return { display: raw, normalised: normaliseAddress(raw) };
}

export function sameAddress(a: Address, b: Address): boolean {
  return a.normalised === b.normalised;
}

/** The domain part of a normalised address. */
export function domainOf(address: Address): string {
  return address.normalised.slice(address.normalised.lastIndexOf("@") + 1);
}
