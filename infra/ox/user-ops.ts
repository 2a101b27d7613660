// The OX user provider's implementation (loaded by the serialised provider in user-provider.ts).
// Never adopts an existing account by name: create is only ever OXUserService.create.

import { randomBytes } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { authPart, callOx, type OxConnection } from "./soap-client";
import { OxSoapFault, userFromXml, type OxUserData, type SoapPart } from "./soap";
import { checkUser, type OxUserInputs, type OxUserOutputs } from "./user-check";
import { sameValue } from "./values";

export { checkUser };

/** Changing these makes a new OX user: OX refuses renames and primary-address changes by default. */
export const USER_REPLACE_KEYS = ["contextName", "contextId", "name", "primaryEmail", "email1"] as const;
/** Changing these is an OXUserService.change (connection only updates the stored state). */
export const USER_UPDATE_KEYS = [
  "displayName", "givenName", "surName", "defaultSenderAddress", "aliases", "imapLogin", "imapServer", "smtpServer",
  "userAttributes", "language", "timezone", "connection",
] as const;

const contextPart = (inputs: Pick<OxUserInputs, "contextId" | "contextName">): SoapPart => ({
  element: "ctx",
  kind: "context",
  value: { id: inputs.contextId, name: inputs.contextName },
});

/** The mutable OX fields (everything but name, primary address and password). */
function mutableWire(inputs: OxUserInputs): OxUserData {
  return {
    aliases: [...inputs.aliases],
    defaultSenderAddress: inputs.defaultSenderAddress,
    display_name: inputs.displayName,
    given_name: inputs.givenName,
    imapLogin: inputs.imapLogin,
    imapServer: inputs.imapServer,
    language: inputs.language,
    mailenabled: true,
    smtpServer: inputs.smtpServer,
    sur_name: inputs.surName,
    timezone: inputs.timezone,
    userAttributes: { ...inputs.userAttributes },
  };
}

export function diffUser(_id: string, olds: OxUserOutputs, news: OxUserInputs): pulumi.dynamic.DiffResult {
  const changed = (key: keyof OxUserInputs) => !sameValue(olds[key], news[key]);
  const replaces = USER_REPLACE_KEYS.filter(changed);
  const updates = USER_UPDATE_KEYS.filter(changed);
  return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
}

export async function createUser(inputs: OxUserInputs): Promise<pulumi.dynamic.CreateResult> {
  // OX requires a password on create; logins go through SSO, so a random one that nobody keeps.
  const usrdata: OxUserData = {
    ...mutableWire(inputs),
    email1: inputs.email1,
    name: inputs.name,
    password: randomBytes(24).toString("base64url"),
    primaryEmail: inputs.primaryEmail,
  };
  const created = userFromXml(
    await callOx(inputs.connection, "OXUserService", "create", [contextPart(inputs), { element: "usrdata", kind: "user", value: usrdata }, authPart(inputs.connection)]),
  );
  if (!Number.isInteger(created.id)) throw new Error(`OX OXUserService.create: answer for "${inputs.name}" carries no user id`);
  const outs: OxUserOutputs = { ...inputs, userId: created.id! };
  return { id: `${inputs.contextId}/${created.id}`, outs };
}

/** Keeps only attributes in namespaces we manage; OX may hold others (e.g. config/…). */
function ownAttributes(all: Record<string, string>, known: Readonly<Record<string, string>>): Record<string, string> {
  const namespaces = new Set(Object.keys(known).map((k) => k.slice(0, k.indexOf("/"))));
  return Object.fromEntries(Object.entries(all).filter(([k]) => namespaces.has(k.slice(0, k.indexOf("/")))));
}

export async function readUser(id: string, props: OxUserOutputs): Promise<pulumi.dynamic.ReadResult> {
  let user: OxUserData;
  try {
    user = userFromXml(
      await callOx(props.connection, "OXUserService", "getData", [contextPart(props), { element: "user", kind: "user", value: { id: props.userId } }, authPart(props.connection)]),
    );
  } catch (err) {
    if (err instanceof OxSoapFault && err.exception === "NoSuchUserException") return { id: "", props: {} };
    throw err;
  }
  const outs: OxUserOutputs = {
    ...props,
    name: user.name ?? props.name,
    displayName: user.display_name ?? props.displayName,
    givenName: user.given_name ?? props.givenName,
    surName: user.sur_name ?? props.surName,
    primaryEmail: user.primaryEmail ?? props.primaryEmail,
    email1: user.email1 ?? props.email1,
    defaultSenderAddress: user.defaultSenderAddress ?? props.defaultSenderAddress,
    aliases: user.aliases ?? [],
    imapLogin: user.imapLogin ?? props.imapLogin,
    imapServer: user.imapServer ?? props.imapServer,
    smtpServer: user.smtpServer ?? props.smtpServer,
    userAttributes: ownAttributes(user.userAttributes ?? {}, props.userAttributes),
    language: user.language ?? props.language,
    timezone: user.timezone ?? props.timezone,
  };
  return { id, props: outs };
}

export async function updateUser(_id: string, olds: OxUserOutputs, news: OxUserInputs): Promise<pulumi.dynamic.UpdateResult> {
  const usrdata = mutableWire(news);
  // OX keeps attributes that are not sent; an empty value removes one.
  for (const key of Object.keys(olds.userAttributes)) {
    if (!(key in news.userAttributes)) usrdata.userAttributes![key] = "";
  }
  await callOx(news.connection, "OXUserService", "change", [
    contextPart(news),
    { element: "usrdata", kind: "user", value: { ...usrdata, id: olds.userId } },
    authPart(news.connection),
  ]);
  const outs: OxUserOutputs = { ...news, userId: olds.userId };
  return { outs };
}

export async function deleteUser(_id: string, props: OxUserOutputs): Promise<void> {
  try {
    await callOx(props.connection, "OXUserService", "delete", [contextPart(props), { element: "user", kind: "user", value: { id: props.userId } }, authPart(props.connection)]);
  } catch (err) {
    if (err instanceof OxSoapFault && err.exception === "NoSuchUserException") return;
    throw err;
  }
}

/** Whether a user with this name exists in the context (OX resolves by name when no id is given). */
export async function userExists(connection: OxConnection, context: Pick<OxUserInputs, "contextId" | "contextName">, name: string): Promise<boolean> {
  const answer = await callOx(connection, "OXUserService", "exists", [contextPart(context), { element: "user", kind: "user", value: { name } }, authPart(connection)]);
  return String(answer) === "true";
}
