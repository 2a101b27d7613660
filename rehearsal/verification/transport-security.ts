// Which connections verification may make without TLS: only to loopback. Anywhere else the master
// password (IMAP login), the doveadm API key (HTTP) and the canaries would cross the network readable.
import net from "node:net";
import { UsageError } from "@oxmig/core/errors";

/** How a mail connection is protected: implicit TLS (IMAPS, LMTPS), a required STARTTLS upgrade, or none. */
export type TransportSecurity = "tls" | "starttls" | "none";
export const TRANSPORT_SECURITIES: readonly TransportSecurity[] = ["tls", "starttls", "none"];

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/**
 * 127.0.0.0/8, ::1 (any spelling, also IPv4-mapped ::ffff:127.x.y.z) and the name "localhost". No other
 * name is resolved to decide: a DNS answer is not proof that the connection stays on this machine.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost") return true;
  if (net.isIPv4(bare)) return LOOPBACK.check(bare, "ipv4");
  return net.isIPv6(bare) && LOOPBACK.check(bare, "ipv6");
}

/** The default when the stack config names none: nothing required on loopback, a STARTTLS upgrade elsewhere. */
export function defaultSecurity(host: string): TransportSecurity {
  return isLoopbackHost(host) ? "none" : "starttls";
}

/** Refuses (exit 2) an unprotected connection to a host that is not loopback; call it before connecting. */
export function requireProtectedTransport(what: string, host: string, security: TransportSecurity): void {
  if (security === "none" && !isLoopbackHost(host)) {
    throw new UsageError(`refusing ${what} to ${host} without TLS: only loopback (127.0.0.0/8, ::1, localhost) may be reached in cleartext`);
  }
}

/** The same for an HTTP URL: https anywhere, http only on loopback. */
export function requireProtectedUrl(what: string, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${what}: "${url}" is not a URL`);
  }
  if (parsed.protocol === "https:") return;
  if (parsed.protocol !== "http:") throw new UsageError(`${what}: expected an http(s) URL, found "${parsed.protocol}"`);
  requireProtectedTransport(what, parsed.hostname, "none");
}
