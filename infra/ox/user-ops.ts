// The OX user provider's implementation (loaded by the serialised provider in user-provider.ts).
// Never adopts an existing account by name: a create that finds the user already there (say, OX
// committed it after our timeout) adopts it only when its immutable mailbox id matches.
// OX's contract (../shared/reference/ox-provisioning.md, "The SOAP wire contract"): user calls
// authenticate as the context admin (as master admin only with MASTER_ACCOUNT_OVERRIDE); a missing
// context answers "authentication failed"; aliases come back in any order; an attribute is deleted
// only by sending it without a value; on create primaryEmail/email1/aliases are compared case-sensitively.
// The connection is read at each operation (connection.ts), never taken from inputs or state.

import { randomBytes } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { USER_ATTRIBUTES } from "@oxmig/core/contract";
import { configureConnection, currentConnection, OX_CONFIG_KEYS, withoutConnection } from "./connection";
import { contextExists } from "./context-ops";
import { sameMail } from "./rules";
import { callOx, OxTransportError, userAuthPart } from "./soap-client";
import { OxSoapFault, userFromXml, type OxUserData, type SoapPart } from "./soap";
import { checkUser, type OxUserInputs, type OxUserOutputs } from "./user-check";
import { sameSet, sameValue } from "./values";

export { checkUser };

/** The provider's `configure` (Pulumi's provider host calls it with the stack config). */
export const configureUser = configureConnection;

/** Changing these makes a new OX user: OX refuses renames and primary-address changes by default. */
export const USER_REPLACE_KEYS = ["contextName", "contextId", "name", "primaryEmail", "email1"] as const;
/** Changing these is an OXUserService.change. */
export const USER_UPDATE_KEYS = [
  "displayName",
  "givenName",
  "surName",
  "defaultSenderAddress",
  "aliases",
  "imapLogin",
  "imapServer",
  "smtpServer",
  "userAttributes",
  "language",
  "timezone",
  "mailEnabled",
] as const;

type UserTarget = Pick<OxUserInputs, "contextId" | "contextName">;

/** The context is gone from OX (user calls cannot tell: they answer "authentication failed"). */
class ContextGoneError extends Error {
  constructor(target: UserTarget) {
    super(`OX context ${target.contextId} ("${target.contextName}") does not exist`);
    this.name = "ContextGoneError";
  }
}

const contextPart = (target: UserTarget): SoapPart => ({
  element: "ctx",
  kind: "context",
  value: { id: target.contextId, name: target.contextName },
});

/** One OXUserService call; a refused login is told apart: context gone, or credentials OX does not take for user calls. */
async function userCall(target: UserTarget, operation: string, part: SoapPart): Promise<unknown> {
  const connection = currentConnection();
  try {
    return await callOx(connection, "OXUserService", operation, [contextPart(target), part, userAuthPart(connection)]);
  } catch (err) {
    if (!(err instanceof OxSoapFault) || err.exception !== "InvalidCredentialsException") throw err;
    if (!(await contextExists(connection, target.contextId))) throw new ContextGoneError(target);
    const as = connection.contextAdminUser
      ? `the context admin "${connection.contextAdminUser}"`
      : `the master admin, which OX accepts only with MASTER_ACCOUNT_OVERRIDE=true (or set ${OX_CONFIG_KEYS.contextAdminUser}/${OX_CONFIG_KEYS.contextAdminPassword})`;
    throw new OxSoapFault(`${err.faultString} (user calls in context ${target.contextId} authenticate as ${as})`, err.exception);
  }
}

/**
 * The declared aliases, with primaryEmail and defaultSenderAddress spelled exactly as sent: OX checks
 * membership case-sensitively on create and adds them itself otherwise, which would leave a second
 * spelling behind. (check refuses aliases that lack them.)
 */
function aliasesOnWire(inputs: OxUserInputs): string[] {
  const exact = [inputs.primaryEmail, inputs.defaultSenderAddress];
  const result: string[] = [];
  for (const alias of inputs.aliases.map((a) => exact.find((e) => sameMail(e, a)) ?? a)) {
    if (!result.some((r) => sameMail(r, alias))) result.push(alias);
  }
  return result;
}

/** The mutable OX fields (everything but name, primary address and password). */
function mutableWire(inputs: OxUserInputs): OxUserData {
  return {
    aliases: aliasesOnWire(inputs),
    defaultSenderAddress: inputs.defaultSenderAddress,
    display_name: inputs.displayName,
    given_name: inputs.givenName,
    imapLogin: inputs.imapLogin,
    imapServer: inputs.imapServer,
    language: inputs.language,
    // [OX source] change copies only the fields sent: un-containing must send true, not leave it out.
    mailenabled: inputs.mailEnabled,
    smtpServer: inputs.smtpServer,
    sur_name: inputs.surName,
    timezone: inputs.timezone,
    userAttributes: { ...inputs.userAttributes },
  };
}

/** Attributes to send: the declared ones, and every one we held before but no longer declare without a value (OX deletes only those). */
function attributeChanges(before: Readonly<Record<string, string>>, news: Readonly<Record<string, string>>): Record<string, string | null> {
  const changes: Record<string, string | null> = { ...news };
  for (const key of Object.keys(before)) if (!(key in news)) changes[key] = null;
  return changes;
}

export function diffUser(_id: string, olds: OxUserOutputs, news: OxUserInputs): pulumi.dynamic.DiffResult {
  const changed = (key: Exclude<keyof OxUserInputs, "adoptUserId">) => {
    // OX holds aliases in a hash set and compares addresses case-insensitively outside create.
    if (key === "aliases") return !sameSet(olds.aliases, news.aliases, true);
    // email1 goes out spelled as primaryEmail (OX requires them equal, case-sensitively on create).
    if (key === "email1") return typeof olds.email1 !== "string" || !sameMail(olds.email1, news.email1);
    // State written before mailEnabled was an input: those users were always sent mailenabled=true.
    if (key === "mailEnabled") return (olds.mailEnabled ?? true) !== news.mailEnabled;
    return !sameValue(olds[key], news[key]);
  };
  const replaces = USER_REPLACE_KEYS.filter(changed);
  const updates = USER_UPDATE_KEYS.filter(changed);
  return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
}

const mayAlreadyExist = (err: unknown): boolean =>
  (err instanceof OxTransportError && err.reason === "timeout") ||
  (err instanceof OxSoapFault && (err.exception === "UserExistsException" || /already exists/i.test(err.faultString)));

/** What the state keeps of the inputs: everything but the connection of old state and `adoptUserId` (read by create only). */
function declared(news: OxUserInputs): Omit<OxUserInputs, "adoptUserId"> {
  const { adoptUserId: _adopt, ...rest } = withoutConnection(news) as OxUserInputs;
  return rest;
}

export async function createUser(news: OxUserInputs): Promise<pulumi.dynamic.CreateResult> {
  const inputs = withoutConnection(news) as OxUserInputs;
  if (inputs.adoptUserId !== undefined) return adoptById(inputs, inputs.adoptUserId);
  // OX requires a password on create; logins go through SSO, so a random one that nobody keeps.
  const usrdata: OxUserData = {
    ...mutableWire(inputs),
    email1: inputs.primaryEmail,
    name: inputs.name,
    password: randomBytes(24).toString("base64url"),
    primaryEmail: inputs.primaryEmail,
  };
  let created: OxUserData;
  try {
    created = userFromXml(await userCall(inputs, "create", { element: "usrdata", kind: "user", value: usrdata }));
  } catch (err) {
    if (!mayAlreadyExist(err)) throw err;
    return adoptAfterFailedCreate(inputs, err as Error);
  }
  if (!Number.isInteger(created.id)) throw new Error(`OX OXUserService.create: answer for "${inputs.name}" carries no user id`);
  const outs: OxUserOutputs = { ...declared(inputs), userId: created.id! };
  return { id: `${inputs.contextId}/${created.id}`, outs };
}

/**
 * After a create that timed out or found the name taken: the user OX holds under this name is ours
 * only if it carries this mailbox's immutable id. Then it is brought to the declared state;
 * otherwise the create fails, naming both ids. Never adopted by name alone.
 */
async function adoptAfterFailedCreate(inputs: OxUserInputs, cause: Error): Promise<pulumi.dynamic.CreateResult> {
  let existing: OxUserData;
  try {
    existing = userFromXml(await userCall(inputs, "getData", { element: "user", kind: "user", value: { name: inputs.name } }));
  } catch (err) {
    if (err instanceof OxSoapFault && err.exception === "NoSuchUserException") throw cause;
    throw err;
  }
  const key = USER_ATTRIBUTES.mailboxId;
  const ours = inputs.userAttributes[key];
  const theirs = existing.userAttributes?.[key] ?? undefined;
  const where = `OX OXUserService.create: user "${inputs.name}" already exists in context ${inputs.contextId}`;
  if (!ours || theirs !== ours) {
    const held = theirs ? `${key} "${theirs}"` : `no ${key}`;
    throw new Error(
      `${where} with ${held}, this mailbox's is ${ours ? `"${ours}"` : "not declared"}: not adopted (never by name). First error: ${cause.message}`,
    );
  }
  return adoptExisting(inputs, existing, `${where} with ${key} "${ours}"`);
}

/**
 * The adoption file's legacy user (docs/adoption.md): the audit matched it to this mailbox by
 * evidence; here only consistency is checked, never a match made. Refused when it carries another
 * mailbox's id, opens another Dovecot mailbox (imapLogin), or has a name OX cannot change to the
 * declared one (a later refresh would read it back and replace, i.e. delete, the user).
 */
async function adoptById(inputs: OxUserInputs, userId: number): Promise<pulumi.dynamic.CreateResult> {
  const where = `OX user ${userId} in context ${inputs.contextId} (adoptUserId of mailbox ${inputs.userAttributes[USER_ATTRIBUTES.mailboxId] ?? inputs.name})`;
  let existing: OxUserData;
  try {
    existing = userFromXml(await userCall(inputs, "getData", { element: "user", kind: "user", value: { id: userId } }));
  } catch (err) {
    if (err instanceof OxSoapFault && err.exception === "NoSuchUserException")
      throw new Error(`${where}: OX has no such user; not adopted, nothing created`, { cause: err });
    throw err;
  }
  const key = USER_ATTRIBUTES.mailboxId;
  const ours = inputs.userAttributes[key];
  const theirs = existing.userAttributes?.[key] ?? undefined;
  if (theirs !== undefined && theirs !== ours)
    throw new Error(`${where} carries ${key} "${theirs}", this mailbox's is "${ours ?? "not declared"}": not adopted`);
  if (existing.imapLogin !== inputs.imapLogin) {
    throw new Error(
      `${where} has imapLogin "${existing.imapLogin ?? ""}", declared "${inputs.imapLogin}": not adopted (it would open another Dovecot mailbox)`,
    );
  }
  if (existing.name !== undefined && existing.name.toLowerCase() !== inputs.name.toLowerCase()) {
    throw new Error(`${where} is named "${existing.name}", declared "${inputs.name}": not adopted (OX does not rename users)`);
  }
  return adoptExisting(inputs, existing, where);
}

/**
 * Takes over an existing user found ours: same primary address (OX keeps it), then one `change` to the
 * declared state; attributes in our namespaces that are not declared are deleted.
 */
async function adoptExisting(inputs: OxUserInputs, existing: OxUserData, where: string): Promise<pulumi.dynamic.CreateResult> {
  if (!Number.isInteger(existing.id)) throw new Error(`${where}: its answer carries no user id`);
  if (existing.primaryEmail !== undefined && !sameMail(existing.primaryEmail, inputs.primaryEmail)) {
    throw new Error(`${where}: primary address "${existing.primaryEmail}", declared "${inputs.primaryEmail}": not adopted`);
  }
  const held = ownAttributes(attributesOf(existing), inputs.userAttributes);
  const usrdata: OxUserData = { ...mutableWire(inputs), id: existing.id!, userAttributes: attributeChanges(held, inputs.userAttributes) };
  await userCall(inputs, "change", { element: "usrdata", kind: "user", value: usrdata });
  const outs: OxUserOutputs = { ...declared(inputs), userId: existing.id! };
  return { id: `${inputs.contextId}/${existing.id}`, outs };
}

const attributesOf = (user: OxUserData): Record<string, string> =>
  Object.fromEntries(Object.entries(user.userAttributes ?? {}).filter((entry): entry is [string, string] => entry[1] !== null));

/** Keeps only attributes in namespaces we manage; OX may hold others (e.g. config/…). */
function ownAttributes(all: Record<string, string>, known: Readonly<Record<string, string>>): Record<string, string> {
  const namespaces = new Set(Object.keys(known).map((k) => k.slice(0, k.indexOf("/"))));
  return Object.fromEntries(Object.entries(all).filter(([k]) => namespaces.has(k.slice(0, k.indexOf("/")))));
}

const isGone = (err: unknown): boolean => err instanceof ContextGoneError || (err instanceof OxSoapFault && err.exception === "NoSuchUserException");

export async function readUser(id: string, state: OxUserOutputs): Promise<pulumi.dynamic.ReadResult> {
  const props = withoutConnection(state);
  let user: OxUserData;
  try {
    user = userFromXml(await userCall(props, "getData", { element: "user", kind: "user", value: { id: props.userId } }));
  } catch (err) {
    if (isGone(err)) return { id: "", props: {} };
    throw err;
  }
  const aliases = user.aliases ?? [];
  const outs: OxUserOutputs = {
    ...props,
    name: user.name ?? props.name,
    displayName: user.display_name ?? props.displayName,
    givenName: user.given_name ?? props.givenName,
    surName: user.sur_name ?? props.surName,
    primaryEmail: user.primaryEmail ?? props.primaryEmail,
    email1: user.email1 !== undefined && !sameMail(user.email1, props.email1) ? user.email1 : props.email1,
    defaultSenderAddress: user.defaultSenderAddress ?? props.defaultSenderAddress,
    // Hash-set order: the declared list when it is the same set.
    aliases: sameSet(aliases, props.aliases, true) ? [...props.aliases] : [...aliases].sort(),
    imapLogin: user.imapLogin ?? props.imapLogin,
    imapServer: user.imapServer ?? props.imapServer,
    smtpServer: user.smtpServer ?? props.smtpServer,
    userAttributes: ownAttributes(attributesOf(user), props.userAttributes),
    language: user.language ?? props.language,
    timezone: user.timezone ?? props.timezone,
    mailEnabled: user.mailenabled ?? props.mailEnabled ?? true,
  };
  return { id, props: outs };
}

export async function updateUser(_id: string, olds: OxUserOutputs, news: OxUserInputs): Promise<pulumi.dynamic.UpdateResult> {
  const usrdata: OxUserData = { ...mutableWire(news), id: olds.userId, userAttributes: attributeChanges(olds.userAttributes, news.userAttributes) };
  await userCall(news, "change", { element: "usrdata", kind: "user", value: usrdata });
  const outs: OxUserOutputs = { ...declared(news), userId: olds.userId };
  return { outs };
}

export async function deleteUser(_id: string, props: OxUserOutputs): Promise<void> {
  try {
    await userCall(props, "delete", { element: "user", kind: "user", value: { id: props.userId } });
  } catch (err) {
    if (isGone(err)) return;
    throw err;
  }
}

/** Whether a user with this name exists in the context (OX resolves by name when no id is given). */
export async function userExists(context: UserTarget, name: string): Promise<boolean> {
  const answer = await userCall(context, "exists", { element: "user", kind: "user", value: { name } });
  return String(answer) === "true";
}
