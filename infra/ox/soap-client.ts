// Sends one SOAP request to OX over HTTP (Node's fetch) and returns the `return` element.
// Errors name the service and operation, never the request body: it carries the admin password.
// The password only ever goes to the configured endpoint: https (plain http on loopback only), no
// redirects followed. Transient failures (5xx without a SOAP fault, timeouts, dropped connections)
// are retried with exponential backoff; a SOAP fault is OX's answer and is never retried.

import { isIP } from "node:net";
import { redact } from "./redact";
import { buildRequest, OxSoapFault, parseEnvelope, type SoapPart } from "./soap";

/** Where and as whom to provision. The passwords are Pulumi secrets on the program side. */
export interface OxConnection {
  /** Base URL of the OX middleware, e.g. https://ox.example; services live under /webservices/. */
  readonly endpoint: string;
  /** Master admin: OXContextService calls. */
  readonly adminUser: string;
  readonly adminPassword: string;
  /**
   * Context admin for OXUserService calls (OX authenticates user calls against the context's admin).
   * Absent: user calls go as master admin, which OX refuses unless MASTER_ACCOUNT_OVERRIDE=true.
   * Contexts this project creates get this login and password for their admin.
   */
  readonly contextAdminUser?: string;
  readonly contextAdminPassword?: string;
}

export type OxService = "OXContextService" | "OXUserService";

/** Operations OX declares void, parameter style BARE: the answer is an empty Body. */
const VOID_OPERATIONS = new Set(["change", "delete"]);
/**
 * Operations answering a list: `<return>` is maxOccurs unbounded, minOccurs 0 (ListAllResponse,
 * GetMultipleDataResponse in OX's source), so an empty list is a response element without any `<return>`.
 * Their content comes back as an array, always.
 */
const LIST_OPERATIONS = new Set(["listAll", "getMultipleData"]);

export interface CallPolicy {
  /** Tries in all (1 = no retry). */
  readonly attempts: number;
  /** Delay before the first retry; doubled for each further one. */
  readonly baseDelayMs: number;
  /** Per attempt. */
  readonly timeoutMs: number;
}

export const DEFAULT_CALL_POLICY: CallPolicy = { attempts: 3, baseDelayMs: 1_000, timeoutMs: 30_000 };

function boundedEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return Math.min(n, max);
}

/**
 * The call policy, tunable through the environment of whatever process runs the provider (the
 * program, Pulumi's provider host, a test): OXMIG_OX_ATTEMPTS (1–5), OXMIG_OX_RETRY_DELAY_MS,
 * OXMIG_OX_TIMEOUT_MS. Bounded so a typo cannot make a run hang for hours.
 */
export function callPolicy(env: NodeJS.ProcessEnv = process.env): CallPolicy {
  return {
    attempts: Math.max(1, boundedEnv(env, "OXMIG_OX_ATTEMPTS", DEFAULT_CALL_POLICY.attempts, 5)),
    baseDelayMs: boundedEnv(env, "OXMIG_OX_RETRY_DELAY_MS", DEFAULT_CALL_POLICY.baseDelayMs, 60_000),
    timeoutMs: Math.max(1, boundedEnv(env, "OXMIG_OX_TIMEOUT_MS", DEFAULT_CALL_POLICY.timeoutMs, 300_000)),
  };
}

const isLoopback = (hostname: string): boolean => {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host === "::1") return true;
  return isIP(host) === 4 && host.startsWith("127.");
};

/** Why the endpoint must not receive the admin password, or undefined when it may. */
export function endpointProblem(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return "is not a URL";
  }
  if (url.username || url.password) return "must not carry credentials in the URL";
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:") {
    return isLoopback(url.hostname)
      ? undefined
      : `uses plain http on ${url.hostname}: the admin password would travel in cleartext; use https (http is allowed only on loopback: 127.0.0.0/8, ::1, localhost)`;
  }
  return `must be an https URL, got protocol "${url.protocol}"`;
}

export function serviceUrl(endpoint: string, service: OxService): string {
  return `${endpoint.replace(/\/+$/, "")}/webservices/${service}`;
}

export type TransportReason = "timeout" | "network" | "http" | "redirect" | "unreadable" | "endpoint";

/** OX could not be asked or its answer not read; `reason` "timeout" means the call may have taken effect. */
export class OxTransportError extends Error {
  constructor(
    message: string,
    readonly reason: TransportReason,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "OxTransportError";
  }
}

/** Every password in the request: the credentials part and a user's password on create. */
function secretsOf(parts: readonly SoapPart[]): string[] {
  return parts.flatMap((part) => (part.kind === "credentials" || part.kind === "user" ? [part.value.password ?? ""] : []));
}

function fetchFailure(where: string, url: string, err: unknown, secrets: readonly string[]): OxTransportError {
  const error = err as Error & { cause?: Error };
  if (error.name === "TimeoutError") return new OxTransportError(`${where}: no answer from ${url} in time`, "timeout", true);
  if (/redirect/i.test(error.cause?.message ?? "")) {
    return new OxTransportError(
      `${where}: ${url} answered with a redirect; refused, the admin password is only sent to the configured endpoint`,
      "redirect",
      false,
    );
  }
  const detail = redact([error.message, error.cause?.message].filter(Boolean).join(": "), secrets);
  return new OxTransportError(`${where}: no answer from ${url} (${detail})`, "network", true);
}

/** Reads one HTTP answer: the `return` content, undefined for a void operation. */
function readAnswer(where: string, operation: string, status: number, xml: string, secrets: readonly string[]): unknown {
  let parsed: ReturnType<typeof parseEnvelope>;
  try {
    parsed = parseEnvelope(xml);
  } catch (err) {
    if (err instanceof OxSoapFault) throw new OxSoapFault(`${where}: ${redact(err.faultString, secrets)}`, err.exception);
    throw new OxTransportError(
      `${where}: unreadable answer (HTTP ${status}): ${redact((err as Error).message, secrets)}`,
      status >= 500 ? "http" : "unreadable",
      status >= 500,
    );
  }
  if (status < 200 || status >= 300) throw new OxTransportError(`${where}: HTTP ${status} without a SOAP fault`, "http", status >= 500);
  const expected = `${operation}Response`;
  if (VOID_OPERATIONS.has(operation)) {
    // OX answers an empty Body; a response element is tolerated (other SOAP stacks send one).
    if (parsed.operation === undefined || parsed.operation === expected) return undefined;
  } else if (parsed.operation === expected && LIST_OPERATIONS.has(operation)) {
    return parsed.content.return === undefined ? [] : [parsed.content.return].flat();
  } else if (parsed.operation === expected && parsed.content.return !== undefined) {
    return parsed.content.return;
  }
  const got = parsed.operation === undefined ? "an empty Body" : `<${parsed.operation}>`;
  throw new OxTransportError(
    `${where}: unreadable answer (HTTP ${status}): got ${got}, expected <${expected}>${VOID_OPERATIONS.has(operation) ? " or an empty Body" : " with a <return>"}`,
    "unreadable",
    false,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `service.operation`; resolves to the response's `return` content (undefined for void operations). */
export async function callOx(
  connection: OxConnection,
  service: OxService,
  operation: string,
  parts: readonly SoapPart[],
  policy: CallPolicy = callPolicy(),
): Promise<unknown> {
  const where = `OX ${service}.${operation}`;
  const problem = endpointProblem(connection.endpoint);
  if (problem) throw new OxTransportError(`${where}: endpoint ${problem}`, "endpoint", false);
  const url = serviceUrl(connection.endpoint, service);
  const secrets = secretsOf(parts);
  const body = buildRequest(operation, parts);
  let last: OxTransportError | undefined;
  for (let attempt = 1; attempt <= policy.attempts; attempt += 1) {
    if (attempt > 1) await sleep(policy.baseDelayMs * 2 ** (attempt - 2));
    try {
      const response = await fetch(url, {
        method: "POST",
        // CXF ignores SOAPAction (an interceptor removes it); sent for proxies that expect one.
        headers: { "content-type": "text/xml; charset=utf-8", soapaction: `"urn:${operation}"` },
        body,
        redirect: "error",
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      const xml = await response.text();
      return readAnswer(where, operation, response.status, xml, secrets);
    } catch (err) {
      if (err instanceof OxSoapFault) throw err;
      last = err instanceof OxTransportError ? err : fetchFailure(where, url, err, secrets);
      if (!last.retryable) throw last;
    }
  }
  throw new OxTransportError(`${last!.message} (gave up after ${policy.attempts} attempts)`, last!.reason, false);
}

/** The credentials part of OXContextService calls: the master admin. */
export function authPart(connection: OxConnection): SoapPart {
  return { element: "auth", kind: "credentials", value: { login: connection.adminUser, password: connection.adminPassword } };
}

/** The credentials part of OXUserService calls: the context admin when configured, else the master admin. */
export function userAuthPart(connection: OxConnection): SoapPart {
  if (connection.contextAdminUser && connection.contextAdminPassword) {
    return { element: "auth", kind: "credentials", value: { login: connection.contextAdminUser, password: connection.contextAdminPassword } };
  }
  return authPart(connection);
}
