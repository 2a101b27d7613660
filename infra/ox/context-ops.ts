// The OX context provider's implementation (loaded by the serialised provider in context-provider.ts).
// OX's contract (../shared/reference/ox-provisioning.md, "The SOAP wire contract"): create needs an
// id unless the autocontextid plugin assigns (and overwrites) it; create adds the context's name and
// id to its login mappings and change re-adds the name; mappings come back in any order; change and
// delete answer an empty Body; context faults may carry no <detail>. The connection is read at each
// operation (connection.ts), never taken from inputs or state.

import { randomBytes } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { contextFieldProblems, type RuleFailure } from "./rules";
import { configureConnection, connectionFailures, currentConnection, withoutConnection } from "./connection";
import { authPart, callOx, OxTransportError, type OxConnection } from "./soap-client";
import { contextFromXml, OxSoapFault, type OxUserData, type SoapPart } from "./soap";
import { isUnknown, missingStrings, sameSet, sameValue, UNKNOWN } from "./values";

/** The provider's `configure` (Pulumi's provider host calls it with the stack config). */
export const configureContext = configureConnection;

export interface OxContextInputs {
  readonly name: string;
  /** The plan's OX context id, sent on create; absent: OX must assign one (autocontextid plugin). */
  readonly contextId?: number;
  readonly maxQuotaMb: number;
  readonly loginMappings: readonly string[];
  /** Mail address of the context admin OX creates with the context. */
  readonly adminEmail: string;
}

export interface OxContextOutputs extends Omit<OxContextInputs, "contextId"> {
  readonly contextId: number;
}

export const CONTEXT_REPLACE_KEYS = ["name", "contextId"] as const;
export const CONTEXT_UPDATE_KEYS = ["maxQuotaMb", "loginMappings"] as const;
/** Login name of the context admin when the connection names none (OX's conventional name). */
export const CONTEXT_ADMIN_NAME = "oxadmin";

/**
 * Default admin address: at the first login mapping that is a domain, else at `<name>.invalid`
 * (RFC 2606: never delivered). Nobody logs in as this admin; pass adminEmail for a real one.
 */
function defaultAdminEmail(news: Record<string, unknown>): unknown {
  if (news.adminEmail !== undefined) return news.adminEmail;
  if (isUnknown(news.loginMappings) || isUnknown(news.name)) return UNKNOWN;
  const mappings = Array.isArray(news.loginMappings) ? (news.loginMappings as unknown[]) : [];
  const domain = mappings.find((m) => typeof m === "string" && m.includes("."));
  return `${CONTEXT_ADMIN_NAME}@${domain ?? `${String(news.name)}.invalid`}`;
}

export function checkContext(_olds: Record<string, unknown>, news: Record<string, unknown>): pulumi.dynamic.CheckResult {
  const inputs: Record<string, unknown> = { ...withoutConnection(news), adminEmail: defaultAdminEmail(news) };
  const failures: RuleFailure[] = [...connectionFailures(), ...missingStrings(inputs, ["name"])];
  failures.push(...missingStrings(inputs, ["adminEmail"]));
  if (!isUnknown(inputs.loginMappings) && !Array.isArray(inputs.loginMappings)) {
    failures.push({ property: "loginMappings", reason: "loginMappings must be a list of strings" });
  }
  const fields = ["name", "contextId", "maxQuotaMb", "loginMappings"] as const;
  if (!failures.length && fields.every((f) => !isUnknown(inputs[f]))) {
    failures.push(...contextFieldProblems(inputs as unknown as OxContextInputs));
  }
  return { inputs, failures };
}

/** Whether a fault says the context does not exist: the context service may send no <detail>, only the text. */
export function isContextGone(err: unknown): boolean {
  return err instanceof OxSoapFault && (err.exception === "NoSuchContextException" || /\bContext \S+ does not exist\b/i.test(err.faultString));
}

/**
 * The mappings as declared: OX adds the context's name and id itself, so those count only when the
 * plan declares them too. Same set as declared: the declared list (order is OX's hash order).
 */
function declaredMappings(found: readonly string[], context: { name: string; contextId?: number }, declared: readonly string[]): string[] {
  const added = new Set([context.name, ...(context.contextId !== undefined ? [String(context.contextId)] : [])]);
  const own = found.filter((m) => !added.has(m) || declared.includes(m));
  return sameSet(own, declared) ? [...declared] : [...own].sort();
}

export function diffContext(_id: string, olds: OxContextOutputs, news: OxContextInputs): pulumi.dynamic.DiffResult {
  const replaces = CONTEXT_REPLACE_KEYS.filter((key) => !(key === "contextId" && news.contextId === undefined) && !sameValue(olds[key], news[key]));
  const changed = (key: (typeof CONTEXT_UPDATE_KEYS)[number]) =>
    key === "loginMappings"
      ? !sameSet(declaredMappings(olds.loginMappings ?? [], olds, news.loginMappings), news.loginMappings)
      : !sameValue(olds[key], news[key]);
  const updates = CONTEXT_UPDATE_KEYS.filter(changed);
  return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
}

const contextPart = (value: { id?: number; name?: string; maxQuota?: number; loginMappings?: string[] }): SoapPart => ({
  element: "ctx",
  kind: "context",
  value,
});

export async function createContext(news: OxContextInputs): Promise<pulumi.dynamic.CreateResult> {
  const inputs = withoutConnection(news);
  const connection = currentConnection();
  // OX creates the context admin with the context. User calls then authenticate as that admin when
  // the connection names one; without, they go as master admin (OX needs MASTER_ACCOUNT_OVERRIDE=true)
  // and this random password is kept nowhere.
  const { contextAdminUser, contextAdminPassword } = connection;
  const admin: OxUserData = {
    display_name: `Context administrator ${inputs.name}`,
    email1: inputs.adminEmail,
    given_name: "Context",
    name: contextAdminUser ?? CONTEXT_ADMIN_NAME,
    password: contextAdminPassword ?? randomBytes(24).toString("base64url"),
    primaryEmail: inputs.adminEmail,
    sur_name: "Administrator",
  };
  const ctx = { id: inputs.contextId, name: inputs.name, maxQuota: inputs.maxQuotaMb, loginMappings: [...inputs.loginMappings] };
  let answer: unknown;
  try {
    answer = await callOx(connection, "OXContextService", "create", [
      contextPart(ctx),
      { element: "admin_user", kind: "user", value: admin },
      authPart(connection),
    ]);
  } catch (err) {
    if (inputs.contextId === undefined || !mayAlreadyExist(err)) throw err;
    return adoptAfterFailedCreate(connection, inputs, inputs.contextId, err as Error);
  }
  const created = contextFromXml(answer);
  if (!Number.isInteger(created.id)) throw new Error(`OX OXContextService.create: answer for "${inputs.name}" carries no context id`);
  if (inputs.contextId !== undefined && created.id !== inputs.contextId) {
    // Recording OX's id would make the plan's id differ from the state, and replace the context on every run.
    throw new Error(
      `OX OXContextService.create: OX created context "${inputs.name}" with id ${created.id}, but the plan says ${inputs.contextId} ` +
        "(the autocontextid plugin overwrites the id sent). Context ids come from the plan: uninstall autocontextid, or leave " +
        `contextId out of the plan for this context. Context ${created.id} now exists in OX and is not managed; delete it there.`,
    );
  }
  const outs: OxContextOutputs = { ...inputs, contextId: created.id! };
  return { id: String(created.id), outs };
}

const mayAlreadyExist = (err: unknown): boolean =>
  (err instanceof OxTransportError && err.reason === "timeout") || (err instanceof OxSoapFault && /already exists/i.test(err.faultString));

/**
 * After a create that timed out or found the context there (say, OX committed it after our
 * timeout): the context under the plan's id is ours only if it has the plan's name. Then it is
 * brought to the declared quota and mappings; otherwise the create fails naming both.
 */
async function adoptAfterFailedCreate(
  connection: OxConnection,
  inputs: OxContextInputs,
  contextId: number,
  cause: Error,
): Promise<pulumi.dynamic.CreateResult> {
  let found;
  try {
    found = contextFromXml(await callOx(connection, "OXContextService", "getData", [contextPart({ id: contextId }), authPart(connection)]));
  } catch (err) {
    if (isContextGone(err)) throw cause;
    throw err;
  }
  if (found.name !== inputs.name) {
    throw new Error(
      `OX OXContextService.create: context id ${contextId} is held by context "${found.name}" in OX, the plan's is "${inputs.name}": not adopted. First error: ${cause.message}`,
    );
  }
  const ctx = { id: contextId, maxQuota: inputs.maxQuotaMb, loginMappings: [...inputs.loginMappings] };
  await callOx(connection, "OXContextService", "change", [contextPart(ctx), authPart(connection)]);
  return { id: String(contextId), outs: { ...inputs, contextId } satisfies OxContextOutputs };
}

export async function readContext(id: string, state: OxContextOutputs): Promise<pulumi.dynamic.ReadResult> {
  const props = withoutConnection(state);
  const connection = currentConnection();
  try {
    const ctx = contextFromXml(await callOx(connection, "OXContextService", "getData", [contextPart({ id: props.contextId }), authPart(connection)]));
    const outs: OxContextOutputs = {
      ...props,
      name: ctx.name ?? props.name,
      maxQuotaMb: ctx.maxQuota ?? props.maxQuotaMb,
      loginMappings: declaredMappings(ctx.loginMappings ?? [], props, props.loginMappings ?? []),
    };
    return { id, props: outs };
  } catch (err) {
    if (isContextGone(err)) return { id: "", props: {} };
    throw err;
  }
}

/** Whether the context exists (asked as master admin: OXUserService answers "authentication failed" for a missing one). */
export async function contextExists(connection: OxConnection, contextId: number): Promise<boolean> {
  const answer = await callOx(connection, "OXContextService", "exists", [contextPart({ id: contextId }), authPart(connection)]);
  return String(answer) === "true";
}

export async function updateContext(_id: string, olds: OxContextOutputs, news: OxContextInputs): Promise<pulumi.dynamic.UpdateResult> {
  const connection = currentConnection();
  const ctx = { id: olds.contextId, maxQuota: news.maxQuotaMb, loginMappings: [...news.loginMappings] };
  await callOx(connection, "OXContextService", "change", [contextPart(ctx), authPart(connection)]);
  const outs: OxContextOutputs = { ...withoutConnection(news), contextId: olds.contextId };
  return { outs };
}

/** Deletes the context and everything in it: the program should mark contexts `protect`. */
export async function deleteContext(_id: string, props: OxContextOutputs): Promise<void> {
  const connection = currentConnection();
  try {
    await callOx(connection, "OXContextService", "delete", [contextPart({ id: props.contextId }), authPart(connection)]);
  } catch (err) {
    if (isContextGone(err)) return;
    throw err;
  }
}
