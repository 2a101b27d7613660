// `oxmig verify` against a "deployed" Dovecot: here a rehearsal target started by the test, its userdb
// rendered from the stack's bindings. Needs Dovecot 2.3 installed.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCommand } from "../../cli/commands/verify";
import { resolveBindings } from "../../core/bindings";
import type { Binding } from "../../core/model";
import { renderUserdb } from "../../core/userdb";
import { readInventory } from "../../io/inventory";
import { startDovecot, type DovecotInstance } from "../../rehearsal/dovecot-instance";
import { endpointsOf } from "../../rehearsal/endpoints";
import { readMailbox } from "../../rehearsal/imap-read";
import { newRunSecret } from "../../rehearsal/keys";
import { userdbLinesFor } from "../../rehearsal/rehearse";
import { personLabel, personOf } from "../../rehearsal/report";
import { mkdtempOwned } from "../../rehearsal/run-as";
import { capture, makeStackFixture, STACK, WAVE, writeStackConfig, type StackFixture } from "../rehearsal/stack-fixture";

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
  target = await startDovecot({ role: "target", dir: join(root, "target"), mailCrypt: true, userdbText: renderUserdb(userdbLinesFor(bindings, secret)), masterUser: { login: "oxmig-admin", password: masterPassword } });
  writeStackConfig(fixture.cwd, {
    mailRoot: vmail, verifyLmtpHost: "127.0.0.1", verifyLmtpPort: target.lmtpPort, verifyImapHost: "127.0.0.1", verifyImapPort: target.imapPort, verifyMasterUser: "oxmig-admin",
  });
}, 30_000);

afterAll(async () => {
  await target?.stop();
  rmSync(root, { recursive: true, force: true });
  rmSync(fixture.cwd, { recursive: true, force: true });
});

async function verify(env: Record<string, string | undefined> = { OXMIG_VERIFY_MASTER_PASSWORD: masterPassword }) {
  const stdout = capture();
  const code = await verifyCommand({ stack: STACK, cwd: fixture.cwd, env, stdout, stderr: capture() });
  return { code, out: stdout.text() };
}

describe("oxmig verify", () => {
  it("passes when every address's canary reaches its own mailbox, and removes the canaries", async () => {
    const { code, out } = await verify();
    expect(out).toContain("PASSED: 6 mailboxes");
    expect(code).toBe(0);
    for (const b of bindings) expect((await readMailbox(endpointsOf(target), b.dovecotLogin)).messages).toEqual([]);
  });

  it("refuses with a clear message when the master password is not in the environment", async () => {
    await expect(verify({})).rejects.toThrow(/export OXMIG_VERIFY_MASTER_PASSWORD=\$\(pulumi config get verifyMasterPassword --stack rehearsal-test\)/);
  });

  it("refuses naming the missing config keys when the stack has no verify endpoints", async () => {
    const bare = makeStackFixture();
    try {
      await expect(verifyCommand({ stack: STACK, cwd: bare.cwd, env: { OXMIG_VERIFY_MASTER_PASSWORD: "x" } })).rejects.toThrow(/lacks verifyLmtpHost, verifyLmtpPort, verifyImapHost, verifyImapPort, verifyMasterUser/);
    } finally {
      rmSync(bare.cwd, { recursive: true, force: true });
    }
  });

  it("fails and names both people when the deployed userdb gives one person another's home", { timeout: 30_000 }, async () => {
    const [a, b] = bindings.filter((x) => x.kind === "personal") as [Binding, Binding];
    const lines = userdbLinesFor(bindings, secret).map((l) => (l.login === a.dovecotLogin ? { ...l, home: b.home } : l));
    await target.replaceUserdb(renderUserdb(lines));
    const { code, out } = await verify();
    expect(code).toBe(1);
    for (const person of [a, b]) expect(out.slice(out.indexOf("Failures:"))).toContain(personLabel(personOf(person)));
  });
});
