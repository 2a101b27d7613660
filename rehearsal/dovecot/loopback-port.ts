// Listening ports for private servers. Kernel-picked ports (listen on 0) come from the ephemeral
// range, so between closing the probe and the server binding it, any outgoing connection on the
// machine (doveadm's imapc, a parallel test) may take the same port. Ports below that range are
// never handed out for outgoing connections.
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

const FALLBACK_EPHEMERAL_START = 32768;
const LOWEST = 10000;

/** First port of the kernel's ephemeral range (Linux), or the IANA-ish default elsewhere. */
export function ephemeralRangeStart(readRange: () => string = () => readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")): number {
  try {
    const start = Number(readRange().trim().split(/\s+/)[0]);
    return Number.isInteger(start) && start > LOWEST + 1000 ? start : FALLBACK_EPHEMERAL_START;
  } catch {
    return FALLBACK_EPHEMERAL_START;
  }
}

/** A loopback port below the ephemeral range that was free a moment ago; distinct from `taken`. */
export async function freeLoopbackPort(taken: readonly number[] = [], random: () => number = Math.random): Promise<number> {
  const top = ephemeralRangeStart();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOWEST + Math.floor(random() * (top - LOWEST));
    if (taken.includes(port)) continue;
    if (await canListen(port)) return port;
  }
  throw new Error(`no free loopback port found between ${LOWEST} and ${top}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** True when a server failed only because another process took one of its ports first. */
export function lostPortRace(message: string): boolean {
  return /Address already in use/.test(message);
}
