// `oxmig verify` against a "deployed" Dovecot: here a rehearsal target started by the test (with the
// doveadm HTTP API), its userdb rendered from the stack's bindings. Needs Dovecot 2.3 installed.
import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCommand } from "../../cli/commands/verify";
import { resolveBindings } from "@oxmig/core/bindings";
import type { Binding } from "@oxmig/core/model";
import { renderUserdb } from "@oxmig/core/userdb";
import { readInventory } from "../../io/inventory";
import { startDovecot, type DovecotInstance } from "../../rehearsal/dovecot/dovecot-instance";
import { endpointsOf } from "../../rehearsal/verification/endpoints";
import { readMailbox } from "../../rehearsal/dovecot/imap-read";
import { newRunSecret } from "../../rehearsal/migration/keys";
import { userdbLinesFor } from "../../rehearsal/rehearse";
import { personLabel, personOf } from "../../rehearsal/report/run-report";
import { mkdtempOwned } from "../../rehearsal/dovecot/run-as";
import { settleDovecots } from "../rehearsal/dovecot-guard";
import { capture, makeStackFixture, setWavePhase, STACK, WAVE, writeStackConfig, type StackFixture } from "../rehearsal/stack-fixture";

/** A stack and its "deployed" target, each describe its own: canaries and a crossed userdb leave mail behind. */
interface Deployed {
  fixture: StackFixture;
  target: DovecotInstance;
  root: string;
  bindings: Binding[];
  readonly secret: ReturnType<typeof newRunSecret>;
  readonly masterPassword: string;
}

/** Starts the enclosing describe's target before its tests (the wave in `phase`) and stops it after them. */
function deployedStack(phase: "copying" | "cut-over"): Deployed {
  const d = { secret: newRunSecret(), masterPassword: randomBytes(12).toString("hex") } as Deployed;
  beforeAll(async () => {
    d.fixture = makeStackFixture();
    d.root = mkdtempOwned("oxmig-verify-test-");
    const vmail = join(d.root, "target", "vmail");
    d.bindings = resolveBindings(readInventory(join(d.fixture.cwd, "inv")), { waves: [WAVE], mailRoot: vmail });
    writeStackConfig(d.fixture.cwd, { mailRoot: vmail });
    d.target = await startDovecot({
      role: "target",
      dir: join(d.root, "target"),
      mailCrypt: true,
      doveadmHttp: true,
      userdbText: renderUserdb(userdbLinesFor(d.bindings, d.secret)),
      masterUser: { login: "oxmig-admin", password: d.masterPassword },
    });
    writeStackConfig(d.fixture.cwd, {
      mailRoot: vmail,
      verifyLmtpHost: "127.0.0.1",
      verifyLmtpPort: d.target.lmtpPort,
      verifyImapHost: "127.0.0.1",
      verifyImapPort: d.target.imapPort,
      verifyMasterUser: "oxmig-admin",
      verifyDoveadmUrl: d.target.doveadmHttp!.url,
    });
    if (phase !== "copying") setWavePhase(d.fixture.cwd, phase);
  }, 30_000);
  afterAll(() =>
    settleDovecots(
      () => d.target?.stop(),
      () => [d.root, d.fixture?.cwd].filter((f): f is string => Boolean(f)),
    ),
  );
  return d;
}

const fullEnv = (d: Deployed) => ({ OXMIG_VERIFY_MASTER_PASSWORD: d.masterPassword, OXMIG_VERIFY_DOVEADM_KEY: d.target.doveadmHttp!.apiKey });

async function verify(d: Deployed, env: Record<string, string | undefined> = fullEnv(d), check?: "userdb" | "canaries") {
  const stdout = capture();
  const code = await verifyCommand({ stack: STACK, cwd: d.fixture.cwd, env, stdout, stderr: capture(), ...(check ? { check } : {}) });
  return { code, out: stdout.text() };
}

const personalPair = (d: Deployed) => d.bindings.filter((x) => x.kind === "personal") as [Binding, Binding];

/** Runs `check` while the deployed userdb gives the first person's login the second's home; restores it after. */
async function withCrossedHome(d: Deployed, check: (a: Binding, b: Binding) => Promise<void>): Promise<void> {
  const [a, b] = personalPair(d);
  const lines = userdbLinesFor(d.bindings, d.secret);
  try {
    await d.target.replaceUserdb(renderUserdb(lines.map((l) => (l.login === a.dovecotLogin ? { ...l, home: b.home } : l))));
    await check(a, b);
  } finally {
    await d.target.replaceUserdb(renderUserdb(lines));
  }
}

describe("oxmig verify before cut-over (wave still copying)", () => {
  const d = deployedStack("copying");

  it("checks every login's home and key over the doveadm HTTP API without creating any mailbox", async () => {
    const { code, out } = await verify(d);
    expect(out).toContain("userdb lookups for 6 (waves before cut-over)");
    expect(out).toContain("PASSED: 6 mailboxes");
    expect(code).toBe(0);
    for (const b of d.bindings) expect(existsSync(b.home), b.home).toBe(false);
    expect(out).not.toContain(d.target.doveadmHttp!.apiKey);
  });

  it("refuses (exit 2) to deliver canaries to a wave still copying, naming the wave, and delivers nothing", async () => {
    await expect(verify(d, fullEnv(d), "canaries")).rejects.toThrow(/refusing to deliver canaries to wave\(s\) w01-im \(phase copying\)/);
    for (const b of d.bindings) expect(existsSync(b.home), b.home).toBe(false);
  });

  it("refuses with a clear message when the doveadm API key is not in the environment", async () => {
    await expect(verify(d, { OXMIG_VERIFY_MASTER_PASSWORD: d.masterPassword })).rejects.toThrow(/export OXMIG_VERIFY_DOVEADM_KEY=/);
  });

  it("fails and names both people when two logins share one key in the deployed userdb", { timeout: 30_000 }, async () => {
    const [a, b] = personalPair(d);
    const lines = userdbLinesFor(d.bindings, d.secret);
    const keyOfB = lines.find((l) => l.login === b.dovecotLogin)!.keyPassword;
    try {
      await d.target.replaceUserdb(renderUserdb(lines.map((l) => (l.login === a.dovecotLogin ? { ...l, keyPassword: keyOfB } : l))));
      const { code, out } = await verify(d);
      expect(code).toBe(1);
      expect(out).toMatch(/shares its key with/);
      expect(out).not.toContain(keyOfB);
      for (const person of [a, b]) expect(out.slice(out.indexOf("Failures:"))).toContain(personLabel(personOf(person)));
    } finally {
      await d.target.replaceUserdb(renderUserdb(lines));
    }
  });

  it("fails and names both people when one login resolves to another person's home", { timeout: 30_000 }, async () => {
    await withCrossedHome(d, async (a, b) => {
      const { code, out } = await verify(d);
      expect(code).toBe(1);
      for (const person of [a, b]) expect(out.slice(out.indexOf("Failures:"))).toContain(personLabel(personOf(person)));
      for (const x of d.bindings) expect(existsSync(x.home), x.home).toBe(false);
    });
  });
});

describe("oxmig verify after cut-over (canaries)", () => {
  const d = deployedStack("cut-over");

  it("passes when every address's canary reaches its own mailbox, and removes the canaries", async () => {
    const { code, out } = await verify(d);
    expect(out).toContain("canaries for 6 via LMTP");
    expect(out).toContain("PASSED: 6 mailboxes");
    expect(code).toBe(0);
    for (const b of d.bindings) expect((await readMailbox(endpointsOf(d.target), b.dovecotLogin)).messages).toEqual([]);
  });

  it("refuses with a clear message when the master password is not in the environment", async () => {
    await expect(verify(d, { OXMIG_VERIFY_DOVEADM_KEY: "x" })).rejects.toThrow(
      /export OXMIG_VERIFY_MASTER_PASSWORD=\$\(pulumi config get verifyMasterPassword --stack rehearsal-test\)/,
    );
  });

  it("refuses naming the missing config keys when the stack has no verify endpoints", async () => {
    const bare = makeStackFixture();
    setWavePhase(bare.cwd, "cut-over");
    try {
      await expect(verifyCommand({ stack: STACK, cwd: bare.cwd, env: { OXMIG_VERIFY_MASTER_PASSWORD: "x" } })).rejects.toThrow(
        /lacks verifyLmtpHost, verifyLmtpPort, verifyImapHost, verifyImapPort, verifyMasterUser/,
      );
    } finally {
      rmSync(bare.cwd, { recursive: true, force: true });
    }
  });
});

describe("oxmig verify after cut-over, the deployed userdb crossing two homes", () => {
  // A target of its own: the canaries delivered into the wrong home cannot be read back, so they stay there.
  const d = deployedStack("cut-over");

  it("fails and names both people when the deployed userdb gives one person another's home", { timeout: 30_000 }, async () => {
    await withCrossedHome(d, async (a, b) => {
      const { code, out } = await verify(d);
      expect(code).toBe(1);
      for (const person of [a, b]) expect(out.slice(out.indexOf("Failures:"))).toContain(personLabel(personOf(person)));
    });
  });
});
