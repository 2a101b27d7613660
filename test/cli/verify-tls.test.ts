// `oxmig verify` requires TLS (or STARTTLS) for every endpoint that is not loopback: a cleartext
// setting is refused from the stack config (exit 2, file and key named) before any connection.
// The Dovecot-backed checks on loopback are in verify.test.ts.
import net from "node:net";
import { rmSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { doveadmFromConfig, endpointsFromConfig, verifyCommand } from "../../cli/commands/verify";
import type { StackFile } from "../../io/stack-config";
import { capture, makeStackFixture, setWavePhase, STACK } from "../rehearsal/stack-fixture";
import { inputErrorOf } from "../support/input-errors";

afterEach(() => vi.restoreAllMocks());

const ENV = { OXMIG_VERIFY_MASTER_PASSWORD: "not-a-real-password", OXMIG_VERIFY_DOVEADM_KEY: "not-a-real-key" };
const MAIL = { verifyLmtpHost: "lmtp.example", verifyLmtpPort: "24", verifyImapHost: "imap.example", verifyImapPort: "143", verifyMasterUser: "oxmig-admin" };

function config(values: Record<string, string>): StackFile {
  return { project: "oxmig", stack: "prod", values, secureKeys: [], declaredSecretKeys: [], file: "Pulumi.prod.yaml" };
}

describe("endpointsFromConfig", () => {
  it("requires STARTTLS by default off loopback, nothing on loopback", () => {
    const remote = endpointsFromConfig(config(MAIL), ENV);
    expect([remote.imap.security, remote.lmtp.security]).toEqual(["starttls", "starttls"]);
    const local = endpointsFromConfig(config({ ...MAIL, verifyImapHost: "127.0.0.1", verifyLmtpHost: "::1" }), ENV);
    expect([local.imap.security, local.lmtp.security]).toEqual(["none", "none"]);
  });

  it("takes tls or starttls as configured", () => {
    const endpoints = endpointsFromConfig(config({ ...MAIL, verifyImapTls: "tls", verifyLmtpTls: "starttls" }), ENV);
    expect([endpoints.imap.security, endpoints.lmtp.security]).toEqual(["tls", "starttls"]);
  });

  it("refuses none off loopback, naming the file, the key and what would be sent in cleartext", () => {
    const imap = inputErrorOf(() => endpointsFromConfig(config({ ...MAIL, verifyImapTls: "none" }), ENV));
    expect(imap.exitCode).toBe(2);
    expect(imap.message).toBe(
      'Pulumi.prod.yaml: config verifyImapTls: "none" would send the master password in cleartext to imap.example, which is not loopback (127.0.0.0/8, ::1, localhost); use tls (implicit TLS) or starttls',
    );
    expect(imap.message).not.toContain(ENV.OXMIG_VERIFY_MASTER_PASSWORD);
    expect(inputErrorOf(() => endpointsFromConfig(config({ ...MAIL, verifyLmtpTls: "none" }), ENV)).message).toMatch(
      /^Pulumi\.prod\.yaml: config verifyLmtpTls: "none" would send the canaries in cleartext to lmtp\.example/,
    );
  });

  it("allows none on loopback and refuses an unknown setting", () => {
    expect(endpointsFromConfig(config({ ...MAIL, verifyImapHost: "localhost", verifyImapTls: "none" }), ENV).imap.security).toBe("none");
    expect(inputErrorOf(() => endpointsFromConfig(config({ ...MAIL, verifyImapTls: "ssl" }), ENV)).message).toBe(
      'Pulumi.prod.yaml: config verifyImapTls: expected tls, starttls, none, found "ssl"',
    );
  });
});

describe("doveadmFromConfig", () => {
  it("refuses http:// off loopback, naming the file and key, without the API key", () => {
    const err = inputErrorOf(() => doveadmFromConfig(config({ verifyDoveadmUrl: "http://dovecot.example:8080/doveadm/v1" }), ENV));
    expect(err.message).toBe(
      "Pulumi.prod.yaml: config verifyDoveadmUrl: http:// would send the doveadm API key in cleartext to dovecot.example, which is not loopback (127.0.0.0/8, ::1, localhost); use https://",
    );
    expect(err.message).not.toContain(ENV.OXMIG_VERIFY_DOVEADM_KEY);
  });

  it("accepts https:// anywhere and http:// on loopback", () => {
    for (const url of [
      "https://dovecot.example:8443/doveadm/v1",
      "http://127.0.0.1:8080/doveadm/v1",
      "http://[::1]:8080/doveadm/v1",
      "http://localhost:8080/doveadm/v1",
    ]) {
      expect(doveadmFromConfig(config({ verifyDoveadmUrl: url }), ENV).url).toBe(url);
    }
  });
});

describe("oxmig verify with a cleartext endpoint off loopback", () => {
  it("is refused (exit 2) before any connection, for canaries and for userdb lookups", async () => {
    const fixture = makeStackFixture({ ...MAIL, verifyImapTls: "none", verifyDoveadmUrl: "http://dovecot.example:8080/doveadm/v1" });
    const connect = vi.spyOn(net.Socket.prototype, "connect");
    const fetch = vi.spyOn(globalThis, "fetch");
    try {
      const run = () => verifyCommand({ stack: STACK, cwd: fixture.cwd, env: ENV, stdout: capture(), stderr: capture() });
      await expect(run()).rejects.toThrow(/config verifyDoveadmUrl: http:\/\/ would send the doveadm API key in cleartext/);
      setWavePhase(fixture.cwd, "cut-over");
      await expect(run()).rejects.toThrow(/config verifyImapTls: "none" would send the master password in cleartext to imap\.example/);
      expect(connect).not.toHaveBeenCalled();
      expect(fetch).not.toHaveBeenCalled();
    } finally {
      rmSync(fixture.cwd, { recursive: true, force: true });
    }
  });
});
