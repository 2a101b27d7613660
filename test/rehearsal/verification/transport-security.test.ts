// Verification never sends the master password, the doveadm API key or canaries in cleartext off
// loopback, and a required STARTTLS never falls back to cleartext. The servers here are small
// loopback fakes that record what a client sent; no Dovecot needed.
import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { UsageError } from "@oxmig/core/errors";
import { lookupUserdbHttp } from "../../../rehearsal/dovecot/doveadm-http";
import type { MailEndpoints } from "../../../rehearsal/verification/endpoints";
import { readMailbox } from "../../../rehearsal/dovecot/imap-read";
import { deliverLmtp, rawMessage } from "../../../rehearsal/dovecot/lmtp";
import { isLoopbackHost, requireProtectedTransport, requireProtectedUrl, type TransportSecurity } from "../../../rehearsal/verification/transport-security";

const servers: (net.Server | http.Server)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen<T extends net.Server | http.Server>(server: T): Promise<{ server: T; port: number }> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as net.AddressInfo).port };
}

/** A line-based fake server: `answer` gets each line received and returns the reply (or nothing). */
async function fakeServer(greeting: string, answer: (line: string) => string | undefined): Promise<{ port: number; received: string[] }> {
  const received: string[] = [];
  const { port } = await listen(
    net.createServer((socket) => {
      socket.on("error", () => undefined);
      socket.write(greeting);
      let buffer = "";
      socket.on("data", (chunk) => {
        buffer += chunk.toString("latin1");
        for (let end = buffer.indexOf("\r\n"); end >= 0; end = buffer.indexOf("\r\n")) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          received.push(line);
          const reply = answer(line);
          if (reply) socket.write(reply);
        }
      });
    }),
  );
  return { port, received };
}

/** IMAP without STARTTLS: answers CAPABILITY, refuses every login. */
function imapWithoutStarttls() {
  return fakeServer("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake ready\r\n", (line) => {
    const [tag, command] = line.split(" ");
    if (command?.toUpperCase() === "CAPABILITY") return `* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK done\r\n`;
    if (command?.toUpperCase() === "LOGOUT") return `* BYE\r\n${tag} OK bye\r\n`;
    return `${tag} NO not here\r\n`;
  });
}

/** LMTP without STARTTLS that accepts every message. */
function lmtpWithoutStarttls() {
  let inData = false;
  return fakeServer("220 fake LMTP ready\r\n", (line) => {
    if (inData) {
      if (line !== ".") return undefined;
      inData = false;
      return "250 2.0.0 delivered\r\n";
    }
    const verb = line.split(" ")[0]!.toUpperCase();
    if (verb === "LHLO") return "250-fake\r\n250 PIPELINING\r\n";
    if (verb === "MAIL" || verb === "RCPT") return "250 2.1.0 OK\r\n";
    if (verb === "DATA") return ((inData = true), "354 go ahead\r\n");
    if (verb === "QUIT") return "221 bye\r\n";
    return "502 5.5.2 not implemented\r\n";
  });
}

const MASTER_PASSWORD = "not-a-real-master-password";
const mail = (imap: { host: string; port: number; security?: TransportSecurity }): MailEndpoints => ({
  imap,
  lmtp: { host: "127.0.0.1", port: 1 },
  masterUser: { login: "oxmig-admin", password: MASTER_PASSWORD },
});
const sentLogin = (received: string[]) => received.some((l) => /^\S+ (LOGIN|AUTHENTICATE)\b/i.test(l) || l.includes(MASTER_PASSWORD));

describe("isLoopbackHost", () => {
  it.each(["127.0.0.1", "127.8.9.10", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "localhost", "LOCALHOST"])("%s is loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(["128.0.0.1", "10.0.0.1", "::2", "::ffff:10.0.0.1", "dovecot.example", "localhost.example", "127.0.0.1.example", ""])("%s is not", (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe("cleartext off loopback is refused before any connection", () => {
  it("names what would leak and the host", () => {
    expect(() => requireProtectedTransport("an IMAP login with the master password", "imap.example", "none")).toThrow(
      new UsageError(
        "refusing an IMAP login with the master password to imap.example without TLS: only loopback (127.0.0.0/8, ::1, localhost) may be reached in cleartext",
      ),
    );
    for (const security of ["tls", "starttls"] as const) expect(() => requireProtectedTransport("x", "imap.example", security)).not.toThrow();
    expect(() => requireProtectedTransport("x", "127.0.0.1", "none")).not.toThrow();
    expect(() => requireProtectedUrl("the doveadm API", "http://doveadm.example:8080/doveadm/v1")).toThrow(
      /refusing the doveadm API to doveadm\.example without TLS/,
    );
    expect(() => requireProtectedUrl("the doveadm API", "https://doveadm.example:8443/doveadm/v1")).not.toThrow();
    expect(() => requireProtectedUrl("the doveadm API", "http://[::1]:8080/doveadm/v1")).not.toThrow();
  });

  it("IMAP: readMailbox rejects; the socket layer is never asked to connect", async () => {
    const connect = vi.spyOn(net.Socket.prototype, "connect");
    await expect(readMailbox(mail({ host: "imap.example", port: 143 }), "mmueller")).rejects.toThrow(UsageError);
    expect(connect).not.toHaveBeenCalled();
  });

  it("LMTP: deliverLmtp rejects; the socket layer is never asked to connect", async () => {
    const connect = vi.spyOn(net.Socket.prototype, "connect");
    await expect(deliverLmtp({ host: "lmtp.example", port: 24 }, [{ recipient: "mmueller", raw: rawMessage({ Subject: "x" }, "x") }])).rejects.toThrow(
      /refusing LMTP delivery to lmtp\.example without TLS/,
    );
    expect(connect).not.toHaveBeenCalled();
  });

  it("doveadm HTTP API: an http:// URL off loopback is refused before fetch", async () => {
    const fetch = vi.spyOn(globalThis, "fetch");
    await expect(lookupUserdbHttp({ url: "http://doveadm.example:8080/doveadm/v1", apiKey: "k" }, ["mmueller"], Buffer.alloc(32))).rejects.toThrow(UsageError);
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe("a required STARTTLS never falls back to cleartext", () => {
  it("IMAP: without STARTTLS on offer the login (and the master password) is never sent", { timeout: 15_000 }, async () => {
    const plain = await imapWithoutStarttls();
    await readMailbox(mail({ host: "127.0.0.1", port: plain.port }), "mmueller");
    expect(sentLogin(plain.received), "cleartext on loopback does log in: the fake server works").toBe(true);

    const required = await imapWithoutStarttls();
    const content = await readMailbox(mail({ host: "127.0.0.1", port: required.port, security: "starttls" }), "mmueller");
    expect(content.readError).toMatch(/STARTTLS/);
    expect(sentLogin(required.received)).toBe(false);
  });

  it("LMTP: without a successful STARTTLS no message is sent", { timeout: 15_000 }, async () => {
    const message = [{ recipient: "mmueller", raw: rawMessage({ Subject: "canary" }, "canary") }];
    const plain = await lmtpWithoutStarttls();
    expect((await deliverLmtp({ host: "127.0.0.1", port: plain.port }, message))[0]!.ok).toBe(true);
    expect(plain.received.some((l) => l.startsWith("MAIL FROM"))).toBe(true);

    const required = await lmtpWithoutStarttls();
    await expect(deliverLmtp({ host: "127.0.0.1", port: required.port, security: "starttls" }, message)).rejects.toThrow(/STARTTLS/);
    expect(required.received.some((l) => l.startsWith("MAIL FROM"))).toBe(false);
  });
});

describe("doveadm HTTP API", () => {
  it("does not follow a redirect (it would carry the API key elsewhere)", async () => {
    let reached = 0;
    const other = await listen(http.createServer((_req, res) => ((reached += 1), res.end("[]"))));
    const redirecting = await listen(http.createServer((_req, res) => res.writeHead(307, { Location: `http://127.0.0.1:${other.port}/doveadm/v1` }).end()));
    await expect(lookupUserdbHttp({ url: `http://127.0.0.1:${redirecting.port}/doveadm/v1`, apiKey: "k" }, ["mmueller"], Buffer.alloc(32))).rejects.toThrow();
    expect(reached).toBe(0);
  });
});
