// The OX context provider's implementation (loaded by the serialised provider in context-provider.ts).

import { randomBytes } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { contextFieldProblems, type RuleFailure } from "./rules";
import { authPart, callOx, type OxConnection } from "./soap-client";
import { contextFromXml, OxSoapFault, type OxUserData, type SoapPart } from "./soap";
import { connectionProblems, isUnknown, missingStrings, sameValue, UNKNOWN } from "./values";

export interface OxContextInputs {
  readonly connection: OxConnection;
  readonly name: string;
  /** Fixed OX context id; absent: the server assigns one. */
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
export const CONTEXT_UPDATE_KEYS = ["maxQuotaMb", "loginMappings", "connection"] as const;
/** Login name of the context admin (OX's conventional name). */
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
  const inputs: Record<string, unknown> = { ...news, adminEmail: defaultAdminEmail(news) };
  const failures: RuleFailure[] = [...connectionProblems(inputs.connection), ...missingStrings(inputs, ["name"])];
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

export function diffContext(_id: string, olds: OxContextOutputs, news: OxContextInputs): pulumi.dynamic.DiffResult {
  const replaces = CONTEXT_REPLACE_KEYS.filter(
    (key) => !(key === "contextId" && news.contextId === undefined) && !sameValue(olds[key], news[key]),
  );
  const updates = CONTEXT_UPDATE_KEYS.filter((key) => !sameValue(olds[key], news[key]));
  return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
}

const contextPart = (value: { id?: number; name?: string; maxQuota?: number; loginMappings?: string[] }): SoapPart => ({
  element: "ctx",
  kind: "context",
  value,
});

export async function createContext(inputs: OxContextInputs): Promise<pulumi.dynamic.CreateResult> {
  // OX creates the context admin with the context; provisioning then runs as master admin
  // (MASTER_ACCOUNT_OVERRIDE=true), so this password is not kept anywhere.
  const admin: OxUserData = {
    display_name: `Context administrator ${inputs.name}`,
    email1: inputs.adminEmail,
    given_name: "Context",
    name: CONTEXT_ADMIN_NAME,
    password: randomBytes(24).toString("base64url"),
    primaryEmail: inputs.adminEmail,
    sur_name: "Administrator",
  };
  const ctx = { id: inputs.contextId, name: inputs.name, maxQuota: inputs.maxQuotaMb, loginMappings: [...inputs.loginMappings] };
  const created = contextFromXml(
    await callOx(inputs.connection, "OXContextService", "create", [contextPart(ctx), { element: "admin_user", kind: "user", value: admin }, authPart(inputs.connection)]),
  );
  if (!Number.isInteger(created.id)) throw new Error(`OX OXContextService.create: answer for "${inputs.name}" carries no context id`);
  const outs: OxContextOutputs = { ...inputs, contextId: created.id! };
  return { id: String(created.id), outs };
}

export async function readContext(id: string, props: OxContextOutputs): Promise<pulumi.dynamic.ReadResult> {
  try {
    const ctx = contextFromXml(await callOx(props.connection, "OXContextService", "getData", [contextPart({ id: props.contextId }), authPart(props.connection)]));
    const outs: OxContextOutputs = {
      ...props,
      name: ctx.name ?? props.name,
      maxQuotaMb: ctx.maxQuota ?? props.maxQuotaMb,
      loginMappings: ctx.loginMappings ?? [],
    };
    return { id, props: outs };
  } catch (err) {
    if (err instanceof OxSoapFault && err.exception === "NoSuchContextException") return { id: "", props: {} };
    throw err;
  }
}

export async function updateContext(_id: string, olds: OxContextOutputs, news: OxContextInputs): Promise<pulumi.dynamic.UpdateResult> {
  const ctx = { id: olds.contextId, maxQuota: news.maxQuotaMb, loginMappings: [...news.loginMappings] };
  await callOx(news.connection, "OXContextService", "change", [contextPart(ctx), authPart(news.connection)]);
  const outs: OxContextOutputs = { ...news, contextId: olds.contextId };
  return { outs };
}

/** Deletes the context and everything in it: the program should mark contexts `protect`. */
export async function deleteContext(_id: string, props: OxContextOutputs): Promise<void> {
  try {
    await callOx(props.connection, "OXContextService", "delete", [contextPart({ id: props.contextId }), authPart(props.connection)]);
  } catch (err) {
    if (err instanceof OxSoapFault && err.exception === "NoSuchContextException") return;
    throw err;
  }
}
