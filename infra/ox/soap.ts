// SOAP 1.1 document/literal envelopes for OX App Suite's provisioning services, both ways:
// the providers build requests and read responses, the local test server does the opposite.
//
// Element names and namespaces follow the JAXB classes generated from OX's WSDLs
// (open-xchange/appsuite-middleware, com.openexchange.admin.soap.user / .context):
//   operation wrappers and their parts (ctx, usrdata | user | admin_user, auth): http://soap.admin.openexchange.com
//   Context, User, SOAPStringMapMap fields: http://dataobjects.soap.admin.openexchange.com/xsd
//   Credentials (login, password): http://dataobjects.rmi.admin.openexchange.com/xsd
//   responses: <opResponse><return>…</return></opResponse>; all elements qualified.
// From OX's source (see ../shared/reference/ox-provisioning.md, "The SOAP wire contract"): `change`
// and `delete` are void, parameter style BARE, so their answer is an empty <soap:Body/>; unset fields
// come back xsi:nil="true"; a user attribute is deleted only by an entry without <value>; the context
// service may fault without <detail>. Not confirmed against a running OX: OX's exact fault texts.

import { XMLBuilder, XMLParser } from "fast-xml-parser";

export const NS = {
  envelope: "http://schemas.xmlsoap.org/soap/envelope/",
  instance: "http://www.w3.org/2001/XMLSchema-instance",
  service: "http://soap.admin.openexchange.com",
  dataobjects: "http://dataobjects.soap.admin.openexchange.com/xsd",
  credentials: "http://dataobjects.rmi.admin.openexchange.com/xsd",
} as const;

/** The OX `User` fields this project sets or reads (OX wire names). */
export interface OxUserData {
  aliases?: string[];
  defaultSenderAddress?: string;
  display_name?: string;
  email1?: string;
  given_name?: string;
  id?: number;
  imapLogin?: string;
  imapServer?: string;
  language?: string;
  mailenabled?: boolean;
  name?: string;
  password?: string;
  primaryEmail?: string;
  smtpServer?: string;
  sur_name?: string;
  timezone?: string;
  /**
   * "namespace/name" → value; OX nests it as a map of maps (SOAPStringMapMap). `null` goes out as an
   * entry without <value>: the only way to delete an attribute (OX stores "" as "").
   */
  userAttributes?: Record<string, string | null>;
}

export interface OxContextData {
  id?: number;
  loginMappings?: string[];
  /** Context quota in MB. */
  maxQuota?: number;
  name?: string;
}

export interface OxCredentials {
  login: string;
  password: string;
}

// The WSDL declares xsd:sequence, so elements go out in the schema's (alphabetical) order.
const USER_ORDER = [
  "aliases",
  "defaultSenderAddress",
  "display_name",
  "email1",
  "given_name",
  "id",
  "imapLogin",
  "imapServer",
  "language",
  "mailenabled",
  "name",
  "password",
  "primaryEmail",
  "smtpServer",
  "sur_name",
  "timezone",
  "userAttributes",
] as const;
const CONTEXT_ORDER = ["id", "loginMappings", "maxQuota", "name"] as const;
const NUMBERS = new Set(["id", "maxQuota"]);
const REPEATED = new Set(["aliases", "loginMappings", "entries"]);

/** One part of an operation's request: its element name and typed value. */
export type SoapPart =
  | { readonly element: string; readonly kind: "context"; readonly value: OxContextData }
  | { readonly element: string; readonly kind: "user"; readonly value: OxUserData }
  /** A repeated User element (getMultipleData's `users`: maxOccurs unbounded). */
  | { readonly element: string; readonly kind: "users"; readonly value: readonly OxUserData[] }
  | { readonly element: string; readonly kind: "credentials"; readonly value: OxCredentials };

type XmlNode = Record<string, unknown>;

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", suppressBooleanAttributes: false });
const parser = new XMLParser({
  removeNSPrefix: true,
  // Attributes are read only to see xsi:nil (prefix removed: "@_nil").
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseAttributeValue: false,
  parseTagValue: false,
  htmlEntities: true,
  isArray: (name) => REPEATED.has(name),
});

const NIL = { "@_xsi:nil": "true" };

function attributesToXml(attributes: Record<string, string | null>): XmlNode {
  const byNamespace = new Map<string, XmlNode[]>();
  for (const [key, value] of Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const slash = key.indexOf("/");
    const [ns, name] = slash > 0 ? [key.slice(0, slash), key.slice(slash + 1)] : ["", key];
    const entry = value === null ? { "xsd:key": name } : { "xsd:key": name, "xsd:value": value };
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), entry]);
  }
  return {
    "xsd:entries": [...byNamespace].map(([ns, entries]) => ({ "xsd:key": ns, "xsd:value": { "xsd:entries": entries } })),
  };
}

/** `nilUnset`: unset single-valued fields go out as xsi:nil, as OX answers (JAXB nillable=true). */
function objectToXml(value: object, order: readonly string[], nilUnset = false): XmlNode {
  const node: XmlNode = {};
  const fields = value as Record<string, unknown>;
  for (const field of order) {
    const v = fields[field];
    if (v === undefined) {
      if (nilUnset && !REPEATED.has(field)) node[`xsd:${field}`] = NIL;
      continue;
    }
    if (field === "userAttributes") node[`xsd:${field}`] = attributesToXml(v as Record<string, string | null>);
    else node[`xsd:${field}`] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return node;
}

function partToXml(part: SoapPart, nilUnset = false): XmlNode | XmlNode[] {
  if (part.kind === "credentials") return { "xsd1:login": part.value.login, "xsd1:password": part.value.password };
  if (part.kind === "users") return part.value.map((user) => objectToXml(user, USER_ORDER, nilUnset));
  return objectToXml(part.value, part.kind === "user" ? USER_ORDER : CONTEXT_ORDER, nilUnset);
}

function envelope(body: XmlNode): string {
  const doc = {
    "soapenv:Envelope": {
      "@_xmlns:soapenv": NS.envelope,
      "@_xmlns:soap": NS.service,
      "@_xmlns:xsd": NS.dataobjects,
      "@_xmlns:xsd1": NS.credentials,
      "@_xmlns:xsi": NS.instance,
      "soapenv:Body": body,
    },
  };
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build(doc)}`;
}

/** A request envelope for `operation` with its parts in order. */
export function buildRequest(operation: string, parts: readonly SoapPart[]): string {
  const wrapper: XmlNode = {};
  for (const part of parts) wrapper[`soap:${part.element}`] = partToXml(part);
  return envelope({ [`soap:${operation}`]: wrapper });
}

/** A response envelope with a `return` (unset fields as xsi:nil); `result` undefined: a void answer. */
export function buildResponse(operation: string, result?: SoapPart | boolean): string {
  if (result === undefined) return buildVoidResponse();
  const inner = typeof result === "boolean" ? String(result) : partToXml(result, true);
  return envelope({ [`soap:${operation}Response`]: { "soap:return": inner } });
}

/**
 * The answer of a list operation (listAll, getMultipleData): one `<return>` per user, none at all for
 * an empty list (the response's `return` is maxOccurs unbounded, minOccurs 0).
 */
export function buildListResponse(operation: string, users: readonly OxUserData[]): string {
  return envelope({ [`soap:${operation}Response`]: users.length ? { "soap:return": users.map((u) => objectToXml(u, USER_ORDER, true)) } : "" });
}

/** OX's answer to the void, BARE operations (`change`, `delete`): an empty Body, no response element. */
export function buildVoidResponse(): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${NS.envelope}"><soapenv:Body/></soapenv:Envelope>`;
}

/**
 * A SOAP 1.1 fault as CXF renders OX's exceptions: the exception class as the detail's element;
 * `exception` undefined: no <detail> at all (OX's context service throws without a fault bean).
 */
export function buildFault(message: string, exception?: string): string {
  return envelope({
    "soapenv:Fault": {
      faultcode: "soapenv:Server",
      faultstring: message,
      ...(exception && { detail: { [`soap:${exception}`]: "" } }),
    },
  });
}

/** A SOAP fault received from OX. */
export class OxSoapFault extends Error {
  constructor(
    readonly faultString: string,
    /** The exception element in the fault detail (e.g. InvalidDataException), when present. */
    readonly exception: string | undefined,
  ) {
    super(exception ? `${exception}: ${faultString}` : faultString);
    this.name = "OxSoapFault";
  }
}

/**
 * The Body's single child: operation (or `<op>Response`) name and its content; throws OxSoapFault for
 * faults. An empty Body (OX's void answer) has no operation.
 */
export function parseEnvelope(xml: string): { readonly operation: string | undefined; readonly content: XmlNode } {
  const doc = parser.parse(xml) as XmlNode;
  const envelopeNode = doc.Envelope as XmlNode | undefined;
  if (!envelopeNode || typeof envelopeNode !== "object" || !("Body" in envelopeNode)) throw new Error("not a SOAP envelope (no Envelope/Body)");
  const body = envelopeNode.Body;
  const children = body && typeof body === "object" ? Object.entries(body as XmlNode).filter(([k]) => !k.startsWith("@_")) : [];
  if (children.length === 0) {
    if (typeof body === "string" && body.trim() !== "") throw new Error("SOAP Body holds text, not an element");
    return { operation: undefined, content: {} };
  }
  const [operation, content] = children[0]!;
  if (operation === "Fault") {
    const fault = content as XmlNode;
    const detail = fault.detail as XmlNode | undefined;
    const exception = detail && typeof detail === "object" ? Object.keys(detail).find((k) => !k.startsWith("@_")) : undefined;
    throw new OxSoapFault(leaf(fault.faultstring) ?? "SOAP fault without faultstring", exception);
  }
  return { operation, content: content && typeof content === "object" ? (content as XmlNode) : {} };
}

/** An element's text; undefined when absent or xsi:nil="true" (OX's unset fields). */
function leaf(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object") return String(v);
  const node = v as XmlNode;
  if (node["@_nil"] === "true" || node["@_nil"] === "1") return undefined;
  return node["#text"] === undefined ? "" : String(node["#text"]);
}

function text(node: XmlNode, field: string): string | undefined {
  return leaf(node[field]);
}

function attributesFromXml(node: unknown): Record<string, string | null> {
  const result: Record<string, string | null> = {};
  for (const outer of ((node as XmlNode | undefined)?.entries as XmlNode[] | undefined) ?? []) {
    const ns = text(outer, "key") ?? "";
    for (const inner of ((outer.value as XmlNode | undefined)?.entries as XmlNode[] | undefined) ?? []) {
      // No <value> (or a nil one): the attribute is to be deleted.
      result[ns ? `${ns}/${text(inner, "key")}` : String(text(inner, "key"))] = text(inner, "value") ?? null;
    }
  }
  return result;
}

function objectFromXml(node: unknown, order: readonly string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (!node || typeof node !== "object") return result;
  const fields = node as XmlNode;
  for (const field of order) {
    const raw = fields[field];
    if (raw === undefined) continue;
    if (field === "userAttributes") {
      if (leaf(raw) !== undefined) result[field] = attributesFromXml(raw);
      continue;
    }
    if (REPEATED.has(field)) {
      const items = (raw as unknown[]).map(leaf).filter((item): item is string => item !== undefined);
      if (items.length) result[field] = items;
      continue;
    }
    const v = leaf(raw);
    if (v === undefined) continue;
    if (NUMBERS.has(field)) result[field] = Number(v);
    else if (field === "mailenabled") result[field] = String(v) === "true";
    else result[field] = String(v);
  }
  return result;
}

export const userFromXml = (node: unknown): OxUserData => objectFromXml(node, USER_ORDER) as OxUserData;
export const contextFromXml = (node: unknown): OxContextData => objectFromXml(node, CONTEXT_ORDER) as OxContextData;
export function credentialsFromXml(node: unknown): OxCredentials | undefined {
  if (!node || typeof node !== "object") return undefined;
  const fields = node as XmlNode;
  return { login: text(fields, "login") ?? "", password: text(fields, "password") ?? "" };
}
