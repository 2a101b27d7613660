// SOAP 1.1 document/literal envelopes for OX App Suite's provisioning services, both ways:
// the providers build requests and read responses, the local test server does the opposite.
//
// Element names and namespaces follow the JAXB classes generated from OX's WSDLs
// (open-xchange/appsuite-middleware, com.openexchange.admin.soap.user / .context):
//   operation wrappers and their parts (ctx, usrdata | user | admin_user, auth): http://soap.admin.openexchange.com
//   Context, User, SOAPStringMapMap fields: http://dataobjects.soap.admin.openexchange.com/xsd
//   Credentials (login, password): http://dataobjects.rmi.admin.openexchange.com/xsd
//   responses: <opResponse><return>…</return></opResponse>; all elements qualified.
// Not confirmed against a running OX: the SOAPAction value (CXF ignores it), the fault detail layout
// (we read only faultstring and the detail's first element name), and OX's exact fault texts.

import { XMLBuilder, XMLParser } from "fast-xml-parser";

export const NS = {
  envelope: "http://schemas.xmlsoap.org/soap/envelope/",
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
  /** "namespace/name" → value; OX nests it as a map of maps (SOAPStringMapMap). */
  userAttributes?: Record<string, string>;
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
  "aliases", "defaultSenderAddress", "display_name", "email1", "given_name", "id", "imapLogin", "imapServer",
  "language", "mailenabled", "name", "password", "primaryEmail", "smtpServer", "sur_name", "timezone", "userAttributes",
] as const;
const CONTEXT_ORDER = ["id", "loginMappings", "maxQuota", "name"] as const;
const NUMBERS = new Set(["id", "maxQuota"]);
const REPEATED = new Set(["aliases", "loginMappings", "entries"]);

/** One part of an operation's request: its element name and typed value. */
export type SoapPart =
  | { readonly element: string; readonly kind: "context"; readonly value: OxContextData }
  | { readonly element: string; readonly kind: "user"; readonly value: OxUserData }
  | { readonly element: string; readonly kind: "credentials"; readonly value: OxCredentials };

type XmlNode = Record<string, unknown>;

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", suppressBooleanAttributes: false });
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  htmlEntities: true,
  isArray: (name) => REPEATED.has(name),
});

function attributesToXml(attributes: Record<string, string>): XmlNode {
  const byNamespace = new Map<string, XmlNode[]>();
  for (const [key, value] of Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const slash = key.indexOf("/");
    const [ns, name] = slash > 0 ? [key.slice(0, slash), key.slice(slash + 1)] : ["", key];
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), { "xsd:key": name, "xsd:value": value }]);
  }
  return {
    "xsd:entries": [...byNamespace].map(([ns, entries]) => ({ "xsd:key": ns, "xsd:value": { "xsd:entries": entries } })),
  };
}

function objectToXml(value: object, order: readonly string[]): XmlNode {
  const node: XmlNode = {};
  const fields = value as Record<string, unknown>;
  for (const field of order) {
    const v = fields[field];
    if (v === undefined) continue;
    if (field === "userAttributes") node[`xsd:${field}`] = attributesToXml(v as Record<string, string>);
    else node[`xsd:${field}`] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return node;
}

function partToXml(part: SoapPart): XmlNode {
  if (part.kind === "credentials") return { "xsd1:login": part.value.login, "xsd1:password": part.value.password };
  return objectToXml(part.value, part.kind === "user" ? USER_ORDER : CONTEXT_ORDER);
}

function envelope(body: XmlNode): string {
  const doc = {
    "soapenv:Envelope": {
      "@_xmlns:soapenv": NS.envelope,
      "@_xmlns:soap": NS.service,
      "@_xmlns:xsd": NS.dataobjects,
      "@_xmlns:xsd1": NS.credentials,
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

/** A response envelope; `result` undefined for void operations. */
export function buildResponse(operation: string, result?: SoapPart | boolean): string {
  let inner: XmlNode = {};
  if (typeof result === "boolean") inner = { "soap:return": String(result) };
  else if (result) inner = { "soap:return": partToXml(result) };
  return envelope({ [`soap:${operation}Response`]: inner });
}

/** A SOAP 1.1 fault naming the OX exception class in its detail, as CXF renders OX's exceptions. */
export function buildFault(message: string, exception: string): string {
  return envelope({
    "soapenv:Fault": {
      faultcode: "soapenv:Server",
      faultstring: message,
      detail: { [`soap:${exception}`]: "" },
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

/** The Body's single child: operation (or `<op>Response`) name and its content; throws OxSoapFault for faults. */
export function parseEnvelope(xml: string): { readonly operation: string; readonly content: XmlNode } {
  const doc = parser.parse(xml) as XmlNode;
  const body = (doc.Envelope as XmlNode | undefined)?.Body as XmlNode | undefined;
  if (!body || typeof body !== "object") throw new Error("not a SOAP envelope (no Envelope/Body)");
  const [operation, content] = Object.entries(body)[0] ?? [];
  if (!operation) throw new Error("SOAP Body is empty");
  if (operation === "Fault") {
    const fault = content as XmlNode;
    const detail = fault.detail as XmlNode | undefined;
    const exception = detail && typeof detail === "object" ? Object.keys(detail)[0] : undefined;
    throw new OxSoapFault(String(fault.faultstring ?? "SOAP fault without faultstring"), exception);
  }
  return { operation, content: content && typeof content === "object" ? (content as XmlNode) : {} };
}

function text(node: XmlNode, field: string): string | undefined {
  const v = node[field];
  return v === undefined ? undefined : String(v);
}

function attributesFromXml(node: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const outer of ((node as XmlNode | undefined)?.entries as XmlNode[] | undefined) ?? []) {
    const ns = text(outer, "key") ?? "";
    for (const inner of ((outer.value as XmlNode | undefined)?.entries as XmlNode[] | undefined) ?? []) {
      result[ns ? `${ns}/${text(inner, "key")}` : String(text(inner, "key"))] = text(inner, "value") ?? "";
    }
  }
  return result;
}

function objectFromXml(node: unknown, order: readonly string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (!node || typeof node !== "object") return result;
  const fields = node as XmlNode;
  for (const field of order) {
    const v = fields[field];
    if (v === undefined) continue;
    if (field === "userAttributes") result[field] = attributesFromXml(v);
    else if (REPEATED.has(field)) result[field] = (v as unknown[]).map(String);
    else if (NUMBERS.has(field)) result[field] = Number(v);
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
