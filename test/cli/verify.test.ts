// `oxmig verify` against a "deployed" Dovecot: here a rehearsal target started by the test (with the
// doveadm HTTP API), its userdb rendered from the stack's bindings. Needs Dovecot 2.3 installed.
import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCommand } from "../../cli/commands/verify";
import { resolveBindings } from "../../core/bindings";
import type { Binding } from "../../core/model";
import { renderUserdb } from "../../core/userdb";
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

let fixture: StackFixture;
let target: DovecotInstance;
let root: string;
let bindings: Binding[];
const secret = newRunSecret();
const masterPassword = randomBytes(12).toString("hex");

beforeAll(async () => {
  fixture = makeStackFixture();
  root = mkdtempOwned("oxmig-verify-test-");
  const vmail = join(root, "target", "vmail");
  bindings = resolveBindings(readInventory(join(fixture.cwd, "inv")), { waves: [WAVE], mailRoot: vmail });
  writeStackConfig(fixture.cwd, { mailRoot: vmail });
  target = await startDovecot({
    role: "target",
    dir: join(root, "target"),
    mailCrypt: true,
    doveadmHttp: true,
    userdbText: renderUserdb(userdbLinesFor(bindings, secret)),
    masterUser: { login: "oxmig-admin", password: masterPassword },
  });
  writeStackConfig(fixture.cwd, {
    mailRoot: vmail,
    verifyLmtpHost: "127.0.0.1",
    verifyLmtpPort: target.lmtpPort,
    verifyImapHost: "127.0.0.1",
    verifyImapPort: target.imapPort,
    verifyMasterUser: "oxmig-admin",
    verifyDoveadmUrl: target.doveadmHttp!.url,
  });
}, 30_000);

afterAll(() =>
  settleDovecots(
    () => target?.stop(),
    () => [root, fixture?.cwd].filter((f): f is string => Boolean(f)),
  ),
);

const fullEnv = () => ({ OXMIG_VERIFY_MASTER_PASSWORD: masterPassword, OXMIG_VERIFY_DOVEADM_KEY: target.doveadmHttp!.apiKey });

async function verify(env: Record<string, string | undefined> = fullEnv(), check?: "userdb" | "canaries") {
  const stdout = capture();
  const code = await verifyCommand({ stack: STACK, cwd: fixture.cwd, env, stdout, stderr: capture(), ...(check ? { check } : {}) });
  return { code, out: stdout.text() };
}

const personalPair = () => bindings.filter((x) => x.kind === "personal") as [Binding, Binding];

describe("oxmig verify before cut-over (wave still copying)", () => {
  it("checks every login's home and key over the doveadm HTTP API without creating any mailbox", async () => {
    const { code, out } = await verify();
    expect(out).toContain("userdb lookups for 6 (waves before cut-over)");
    expect(out).toContain("PASSED: 6 mailboxes");
    expect(code).toBe(0);
    for (const b of bindings) expect(existsSync(b.home), b.home).toBe(false);
    expect(out).not.toContain(target.doveadmHttp!.apiKey);
  });

  it("refuses (exit 2) to deliver canaries to a wave still copying, naming the wave, and delivers nothing", async () => {
    await expect(verify(fullEnv(), "canaries")).rejects.toThrow(/refusing to deliver canaries to wave\(s\) w01-im \(phase copying\)/);
    for (const b of bindings) expect(existsSync(b.home), b.home).toBe(false);
  });

  it("refuses with a clear message when the doveadm API key is not in the environment", async () => {
    await expect(verify({ OXMIG_VERIFY_MASTER_PASSWORD: masterPassword })).rejects.toThrow(/export OXMIG_VERIFY_DOVEADM_KEY=/);
  });

  it("fails and names both people when two logins share one key in the deployed userdb", { timeout: 30_000 }, async () => {
    const [a, b] = personalPair();
    const lines = userdbLinesFor(bindings, secret);
    const keyOfB = lines.find((l) => l.login === b.dovecotLogin)!.keyPassword;
    try {
      await target.replaceUserdb(renderUserdb(lines.map((l) => (l.login === a.dovecotLogin ? { ...l, keyPassword: keyOfB } : l))));
      const { code, out } = await verify();
      expect(code).toBe(1);
      expect(out).toMatch(/shares its key with/);
      expect(out).not.toContain(keyOfB);
      for (const person of [a, b]) expect(out.slice(out.indexOf("Failures:"))).toContain(personLabel(personOf(person)));
    } finally {
      await target.replaceUserdb(renderUserdb(lines));
    }
  });

  it("fails and names both people when one login resolves to another person's home", { timeout: 30_000 }, async () => {
    const [a, b] = personalPair();
    const lines = userdbLinesFor(bindings, secret);
    try {
      await target.replaceUserdb(renderUserdb(lines.map((l) => (l.login === a.dovecotLogin ? { ...l, home: b.home } : l))));
      const { code, out } = await verify();
      expect(code).toBe(1);
      for (const person of [a, b]) expect(out.slice(out.indexOf("Failures:"))).toContain(personLabel(personOf(person)));
      for (const x of bindings) expect(existsSync(x.home), x.home).toBe(false);
    } finally {
      await target.replaceUserdb(renderUserdb(lines));
    }
  });
});

describe("oxmig verify after cut-over (canaries)", () => {
  beforeAll(() => setWavePhase(fixture.cwd, "cut-over"));

  it("passes when every address's canary reaches its own mailbox, and removes the canaries", async () => {
    const { code, out } = await verify();
    expect(out).toContain("canaries for 6 via LMTP");
    expect(out).toContain("PASSED: 6 mailboxes");
    expect(code).toBe(0);
    for (const b of bindings) expect((await readMailbox(endpointsOf(target), b.dovecotLogin)).messages).toEqual([]);
  });

  it("refuses with a clear message when the master password is not in the environment", async () => {
    await expect(verify({ OXMIG_VERIFY_DOVEADM_KEY: "x" })).rejects.toThrow(
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

  it("fails and names both people when the deployed userdb gives one person another's home", { timeout: 30_000 }, async () => {
    const [a, b] = personalPair();
    const lines = userdbLinesFor(bindings, secret).map((l) => (l.login === a.dovecotLogin ? { ...l, home: b.home } : l));
    await target.replaceUserdb(renderUserdb(lines));
    const { code, out } = await verify();
    expect(code).toBe(1);
    for (const person of [a, b]) expect(out.slice(out.indexOf("Failures:"))).toContain(personLabel(personOf(person)));
  });
});
