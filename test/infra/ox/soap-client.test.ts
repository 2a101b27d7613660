// The SOAP client's handling of failures and secrets: the password goes only to the configured https
// (or loopback) endpoint, never into an error, and transient failures are retried a bounded number of times.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { redact } from "../../../infra/ox/redact";
import { buildVoidResponse, type SoapPart } from "../../../infra/ox/soap";
import { authPart, callOx, callPolicy, endpointProblem, type CallPolicy, type OxConnection } from "../../../infra/ox/soap-client";
import { oxUserProvider } from "../../../infra/ox/user-provider";
import { startOxTestServer, type OxTestServer } from "../../support/ox-test-server";
import { CONTEXT_ADMIN, connectionTo, FAST_CALLS, HANG_MS, stubCallPolicy, useConnection, userInputs } from "./ox-fixtures";

const FAST: CallPolicy = { attempts: 3, baseDelayMs: 5, timeoutMs: 1_000 };
let server: OxTestServer;
let connection: OxConnection;

beforeAll(async () => {
  stubCallPolicy(FAST_CALLS);
  server = await startOxTestServer();
  connection = connectionTo(server);
  useConnection(connection);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

const existsParts = (as: OxConnection = connection): SoapPart[] => [{ element: "ctx", kind: "context", value: { id: 1 } }, authPart(as)];
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (err: Error) => err,
  );
const handled = () => server.requests.length;

/** Every form in which a secret must not show up. */
function leaks(text: string, secret: string): boolean {
  const escaped = secret.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return [secret, escaped, encodeURIComponent(secret)].some((form) => text.includes(form));
}

describe("secrets stay out of errors", () => {
  it("a server that echoes the request into the faultstring: neither password reaches the error", async () => {
    server.script.push({ kind: "echo-fault" });
    const error = await failure(oxUserProvider.create(userInputs(1, "echo.me", "Echo Me")));
    expect(error.message).toMatch(/^RemoteException: OX OXUserService.create: Unparseable request: <\?xml/);
    expect(leaks(error.message, server.master.password)).toBe(false);
    expect(leaks(error.message, CONTEXT_ADMIN.password)).toBe(false);
    expect(error.message).not.toMatch(/<(\w+:)?password>/);
    expect(JSON.stringify(error)).not.toContain(CONTEXT_ADMIN.password);
  });

  it("redact removes credential elements and withholds text that still holds a secret in any form", () => {
    expect(redact("bad <soap:auth><xsd1:login>x</xsd1:login><xsd1:password>p</xsd1:password></soap:auth> here", ["s3cret"])).toBe(
      "bad [credentials removed] here",
    );
    expect(redact("login s3cret&lt; failed", ["s3cret<"])).toBe("[answer text withheld: it contained a credential]");
    expect(redact(`token ${Buffer.from("s3cret").toString("base64")}`, ["s3cret"])).toBe("[answer text withheld: it contained a credential]");
    expect(redact("x".repeat(1000), [])).toHaveLength(401);
  });
});

describe("where the password may go", () => {
  it("refuses plain http on a host that is not loopback, before sending anything", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    try {
      const error = await failure(callOx({ ...connection, endpoint: "http://ox.example" }, "OXContextService", "exists", existsParts(), FAST));
      expect(error.message).toMatch(/endpoint uses plain http on ox.example.*use https \(http is allowed only on loopback: 127.0.0.0\/8, ::1, localhost\)/);
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it("endpointProblem: https anywhere, http only on loopback, never credentials in the URL", () => {
    for (const ok of ["https://ox.example", "http://127.0.0.1:8009", "http://127.200.3.4", "http://localhost:80", "http://[::1]:8080/"]) {
      expect(endpointProblem(ok), ok).toBeUndefined();
    }
    for (const bad of ["http://10.0.0.1", "http://127.0.0.1.evil.example", "http://ox.example", "ftp://ox.example", "https://u:p@ox.example", "not a url"]) {
      expect(endpointProblem(bad), bad).toBeDefined();
    }
  });

  it("does not follow a redirect: the password never reaches the other host, and it is not retried", async () => {
    const elsewhere: string[] = [];
    const other = createServer((req, res) => {
      elsewhere.push(req.url ?? "");
      res.end();
    });
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    try {
      const location = `http://127.0.0.1:${(other.address() as AddressInfo).port}/steal`;
      for (const status of [307, 308, 302] as const) {
        server.script.push({ kind: "redirect", status, location });
        const error = await failure(callOx(connection, "OXContextService", "exists", existsParts(), FAST));
        expect(error.message).toMatch(/answered with a redirect; refused/);
      }
      expect(elsewhere).toEqual([]);
      expect(server.script).toEqual([]);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

describe("transient failures", () => {
  it("retries 5xx answers that are not SOAP faults, then succeeds", async () => {
    const before = handled();
    server.script.push({ kind: "status", status: 502 }, { kind: "status", status: 503 });
    expect(await callOx(connection, "OXContextService", "exists", existsParts(), FAST)).toBe("false");
    expect(handled() - before).toBe(1);
    expect(server.script).toEqual([]);
  });

  it("retries a timeout, then succeeds", async () => {
    server.script.push({ kind: "hang", ms: HANG_MS, commit: false });
    expect(await callOx(connection, "OXContextService", "exists", existsParts(), FAST)).toBe("false");
  });

  it("gives up after the bounded number of tries", async () => {
    server.script.push(...Array.from({ length: 3 }, () => ({ kind: "status", status: 502 }) as const), { kind: "status", status: 502 });
    const error = await failure(callOx(connection, "OXContextService", "exists", existsParts(), FAST));
    expect(error.message).toMatch(/unreadable answer \(HTTP 502\).*\(gave up after 3 attempts\)/);
    expect(server.script).toHaveLength(1);
    server.script.length = 0;
  });

  it("a SOAP fault is OX's answer: not retried", async () => {
    const before = handled();
    const wrong = { ...connection, adminPassword: "wrong" };
    expect((await failure(callOx(wrong, "OXContextService", "exists", existsParts(wrong), FAST))).message).toMatch(/Authentication failed/);
    expect(handled() - before).toBe(1);
  });

  it("the call policy comes from the environment, bounded", () => {
    expect(callPolicy({})).toEqual({ attempts: 3, baseDelayMs: 1000, timeoutMs: 30000 });
    expect(callPolicy({ OXMIG_OX_ATTEMPTS: "99", OXMIG_OX_RETRY_DELAY_MS: "0", OXMIG_OX_TIMEOUT_MS: "10" })).toEqual({
      attempts: 5,
      baseDelayMs: 0,
      timeoutMs: 10,
    });
    expect(() => callPolicy({ OXMIG_OX_ATTEMPTS: "three" })).toThrow(/OXMIG_OX_ATTEMPTS must be a non-negative integer/);
  });
});

describe("void answers", () => {
  it("an empty Body is the answer to change/delete, but not to an operation that returns something", async () => {
    server.script.push({ kind: "status", status: 200, body: buildVoidResponse() });
    const error = await failure(callOx(connection, "OXContextService", "exists", existsParts(), FAST));
    expect(error.message).toMatch(/got an empty Body, expected <existsResponse> with a <return>/);
    server.script.push({ kind: "status", status: 200, body: buildVoidResponse() });
    expect(await callOx(connection, "OXContextService", "delete", existsParts(), FAST)).toBeUndefined();
  });
});
