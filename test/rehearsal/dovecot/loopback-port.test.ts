import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ephemeralRangeStart, freeLoopbackPort, lostPortRace } from "../../../rehearsal/dovecot/loopback-port";

const LOWEST = 10000;
let held: Server | undefined;
afterEach(() => held?.close());

function hold(port: number): Promise<void> {
  held = createServer();
  return new Promise((resolve) => held!.listen(port, "127.0.0.1", () => resolve()));
}

describe("freeLoopbackPort", () => {
  it("never hands out a port of the ephemeral range, where outgoing connections may take it", async () => {
    const top = ephemeralRangeStart();
    for (const r of [0, 0.5, 0.999999]) {
      const port = await freeLoopbackPort([], () => r);
      expect(port).toBeGreaterThanOrEqual(LOWEST);
      expect(port).toBeLessThan(top);
    }
  });

  it("skips a port another process is listening on", async () => {
    const top = ephemeralRangeStart();
    const busy = await freeLoopbackPort();
    await hold(busy);
    const draws = [(busy - LOWEST + 0.5) / (top - LOWEST), 0.25];
    const port = await freeLoopbackPort([], () => draws.shift() ?? 0.75);
    expect(port).not.toBe(busy);
  });

  it("skips ports the caller already took for the same server", async () => {
    const first = await freeLoopbackPort([], () => 0.3);
    const second = await freeLoopbackPort(
      [first],
      (() => {
        const d = [0.3, 0.6];
        return () => d.shift() ?? 0.9;
      })(),
    );
    expect(second).not.toBe(first);
  });
});

describe("ephemeralRangeStart", () => {
  it("reads the first number of the kernel's range", () => {
    expect(ephemeralRangeStart(() => "40000\t60999\n")).toBe(40000);
  });

  it("falls back to 32768 when the range is unreadable or implausible", () => {
    expect(
      ephemeralRangeStart(() => {
        throw new Error("ENOENT");
      }),
    ).toBe(32768);
    expect(ephemeralRangeStart(() => "garbage")).toBe(32768);
    expect(ephemeralRangeStart(() => "1024 65535")).toBe(32768);
  });
});

describe("lostPortRace", () => {
  it("recognises Dovecot's listen failure and nothing else", () => {
    expect(lostPortRace("Error: service(imap-login): listen(127.0.0.1, 44003) failed: Address already in use")).toBe(true);
    expect(lostPortRace("Fatal: Invalid configuration")).toBe(false);
  });
});
