// The rules OX App Suite enforces on users and contexts, as pure functions. The providers' `check`
// uses them to fail before any SOAP call; the local test server uses them to answer like OX does.
// Defaults mirrored: USERNAME_CHANGEABLE=false, PRIMARY_MAIL_UNCHANGEABLE=true, AUTO_LOWERCASE=true.

import { addressProblem, normaliseAddress } from "@oxmig/core/address";

/** One rule violation, named by the provider input property it concerns. */
export interface RuleFailure {
  readonly property: string;
  readonly reason: string;
}

/** The user fields the rules look at (provider input names). */
export interface OxUserFields {
  readonly name: string;
  readonly displayName: string;
  readonly primaryEmail: string;
  readonly email1: string;
  readonly defaultSenderAddress: string;
  readonly aliases: readonly string[];
}

export interface OxContextFields {
  readonly name: string;
  readonly contextId?: number;
  readonly maxQuotaMb: number;
  readonly loginMappings: readonly string[];
}

export const sameMail = (a: string, b: string): boolean => normaliseAddress(a) === normaliseAddress(b);
const inAliases = (address: string, aliases: readonly string[]): boolean => aliases.some((a) => sameMail(a, address));

/** Rules on one user object alone: address consistency and name form. */
export function userFieldProblems(user: OxUserFields): RuleFailure[] {
  const failures: RuleFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  if (!user.name) fail("name", "name must not be empty");
  else if (user.name !== user.name.toLowerCase()) fail("name", `name "${user.name}" must be lower case (OX lower-cases logins)`);
  if (!user.displayName.trim()) fail("displayName", "displayName must not be empty");
  const addresses = [
    ["primaryEmail", user.primaryEmail],
    ["email1", user.email1],
    ["defaultSenderAddress", user.defaultSenderAddress],
  ] as const;
  const malformed = [...addresses, ...user.aliases.map((alias, i) => [`aliases[${i}]`, alias] as const)].flatMap(([property, value]) => {
    const reason = addressProblem(value);
    return reason ? [{ property, reason }] : [];
  });
  // Comparing malformed addresses would only repeat the same problem.
  if (malformed.length) return [...failures, ...malformed];
  if (!sameMail(user.primaryEmail, user.email1)) {
    fail("email1", `email1 "${user.email1}" must equal primaryEmail "${user.primaryEmail}"`);
  }
  for (const [property, value] of addresses) {
    if (!inAliases(value, user.aliases)) fail(property, `${property} "${value}" must be one of the aliases`);
  }
  return failures;
}

/** Rules between a (new or changed) user and the other users of the same context. */
export function contextConflictProblems(user: OxUserFields, others: readonly OxUserFields[]): RuleFailure[] {
  const failures: RuleFailure[] = [];
  for (const other of others) {
    if (other.name.toLowerCase() === user.name.toLowerCase()) {
      failures.push({ property: "name", reason: `a user named "${user.name}" already exists in this context` });
    }
    if (other.displayName === user.displayName) {
      failures.push({ property: "displayName", reason: `display name "${user.displayName}" is already used by user "${other.name}"` });
    }
    for (const alias of user.aliases) {
      if (!inAliases(alias, other.aliases)) continue;
      const primary = sameMail(alias, user.primaryEmail);
      failures.push({
        property: primary ? "primaryEmail" : "aliases",
        reason: `${primary ? "primary address" : "alias"} "${alias}" already exists (user "${other.name}")`,
      });
    }
  }
  return failures;
}

/** Rules on changing an existing user: what OX refuses to change by default. */
export function userChangeProblems(before: OxUserFields, after: Partial<OxUserFields>): RuleFailure[] {
  const failures: RuleFailure[] = [];
  if (after.name !== undefined && after.name.toLowerCase() !== before.name.toLowerCase()) {
    failures.push({ property: "name", reason: `name cannot be changed from "${before.name}" to "${after.name}" (USERNAME_CHANGEABLE=false)` });
  }
  for (const property of ["primaryEmail", "email1"] as const) {
    const next = after[property];
    if (next !== undefined && !sameMail(next, before[property])) {
      failures.push({ property, reason: `${property} cannot be changed from "${before[property]}" to "${next}" (PRIMARY_MAIL_UNCHANGEABLE=true)` });
    }
  }
  return failures;
}

/** Rules on one context object alone. */
export function contextFieldProblems(context: OxContextFields): RuleFailure[] {
  const failures: RuleFailure[] = [];
  if (!/^[A-Za-z0-9._-]+$/.test(context.name)) {
    failures.push({ property: "name", reason: `context name "${context.name}" must be non-empty and use only letters, digits, '.', '_' or '-'` });
  }
  if (context.contextId !== undefined && !(Number.isInteger(context.contextId) && context.contextId > 0)) {
    failures.push({ property: "contextId", reason: `contextId ${context.contextId} must be a positive integer` });
  }
  if (!(Number.isInteger(context.maxQuotaMb) && context.maxQuotaMb > 0)) {
    failures.push({ property: "maxQuotaMb", reason: `maxQuotaMb ${context.maxQuotaMb} must be a positive integer` });
  }
  const seen = new Set<string>();
  context.loginMappings.forEach((mapping, i) => {
    if (!mapping.trim()) failures.push({ property: `loginMappings[${i}]`, reason: "login mapping must not be empty" });
    if (seen.has(mapping.toLowerCase())) failures.push({ property: `loginMappings[${i}]`, reason: `login mapping "${mapping}" appears twice` });
    seen.add(mapping.toLowerCase());
  });
  return failures;
}

/** Rules between a new context and the existing ones on the server. */
export function contextClashProblems(context: OxContextFields, others: readonly OxContextFields[]): RuleFailure[] {
  const failures: RuleFailure[] = [];
  for (const other of others) {
    if (other.name === context.name) failures.push({ property: "name", reason: `context "${context.name}" already exists` });
    if (context.contextId !== undefined && other.contextId === context.contextId) {
      failures.push({ property: "contextId", reason: `context id ${context.contextId} is already used by context "${other.name}"` });
    }
    for (const mapping of context.loginMappings) {
      if (other.loginMappings.some((m) => m.toLowerCase() === mapping.toLowerCase())) {
        failures.push({ property: "loginMappings", reason: `login mapping "${mapping}" is already used by context "${other.name}"` });
      }
    }
  }
  return failures;
}

/** `oxmig/mailbox-id` → ["oxmig", "mailbox-id"]: OX stores user attributes per namespace. */
export function splitAttributeKey(key: string): [string, string] | undefined {
  const slash = key.indexOf("/");
  if (slash <= 0 || slash === key.length - 1) return undefined;
  return [key.slice(0, slash), key.slice(slash + 1)];
}
