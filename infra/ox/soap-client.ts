// Sends one SOAP request to OX over HTTP (Node's fetch) and returns the `return` element.
// Errors name the service and operation, never the request body: it carries the admin password.

import { buildRequest, OxSoapFault, parseEnvelope, type SoapPart } from "./soap";

/** Where and as whom to provision. The password is a Pulumi secret on the program side. */
export interface OxConnection {
  /** Base URL of the OX middleware, e.g. https://ox.example; services live under /webservices/. */
  readonly endpoint: string;
  readonly adminUser: string;
  readonly adminPassword: string;
}

export type OxService = "OXContextService" | "OXUserService";

const TIMEOUT_MS = 30_000;

export function serviceUrl(endpoint: string, service: OxService): string {
  return `${endpoint.replace(/\/+$/, "")}/webservices/${service}`;
}

/** Calls `service.operation`; resolves to the response's `return` content (undefined for void operations). */
export async function callOx(connection: OxConnection, service: OxService, operation: string, parts: readonly SoapPart[]): Promise<unknown> {
  const where = `OX ${service}.${operation}`;
  let response: Response;
  try {
    response = await fetch(serviceUrl(connection.endpoint, service), {
      method: "POST",
      headers: { "content-type": "text/xml; charset=utf-8", soapaction: `"urn:${operation}"` },
      body: buildRequest(operation, parts),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new Error(`${where}: no answer from ${serviceUrl(connection.endpoint, service)} (${(err as Error).message})`, { cause: err });
  }
  const xml = await response.text();
  try {
    const { content } = parseEnvelope(xml);
    if (!response.ok) throw new Error(`HTTP ${response.status} without a SOAP fault`);
    return content.return;
  } catch (err) {
    if (err instanceof OxSoapFault) throw new OxSoapFault(`${where}: ${err.faultString}`, err.exception);
    throw new Error(`${where}: unreadable answer (HTTP ${response.status}): ${(err as Error).message}`, { cause: err });
  }
}

/** The credentials part every operation ends with. */
export function authPart(connection: OxConnection): SoapPart {
  return { element: "auth", kind: "credentials", value: { login: connection.adminUser, password: connection.adminPassword } };
}
