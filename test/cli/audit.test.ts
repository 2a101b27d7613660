// `oxmig audit` and `oxmig clean` against a "deployed" pair of Dovecots: a rehearsal started by the
// test, migrated with two people's mailboxes crossed on purpose (as if the gate had been bypassed).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditCommand, SOURCE_PASSWORD_VARIABLE, sourceImapFromConfig } from "../../cli/commands/audit";
import { cleanCommand } from "../../cli/commands/clean";
import { resolveBindings } from "@oxmig/core/bindings";
import type { Binding } from "@oxmig/core/model";
import { sourceEvidence } from "@oxmig/core/source-ownership";
import { readInventory } from "../../io/inventory";
import { newRunSecret } from "../../rehearsal/migration/keys";
import { pairingsFor, startRehearsal, type Rehearsal } from "../../rehearsal/rehearse";
import { mkdtempOwned } from "../../rehearsal/dovecot/run-as";
import { settleDovecots } from "../rehearsal/dovecot-guard";
import { startOxTestServer, type OxTestServer } from "../support/ox-test-server";
import { capture, makeStackFixture, STACK, WAVE, writeStackConfig, type StackFixture } from "../rehearsal/stack-fixture";

let fixture: StackFixture;
let root: string;
let rehearsal: Rehearsal;
let crossed: [Binding, Binding];
let config: Record<string, string | number>;

const env = () => ({ OXMIG_VERIFY_DOVEADM_KEY: rehearsal.target.doveadmHttp!.apiKey, [SOURCE_PASSWORD_VARIABLE]: rehearsal.source.masterUser.password });

async function run(command: typeof auditCommand | typeof cleanCommand, extra: Record<string, unknown> = {}) {
  const stdout = capture();
  const code = await command({ stack: STACK, cwd: fixture.cwd, env: env(), stdout, stderr: capture(), ...extra });
  return { code, out: stdout.text() };
}

beforeAll(async () => {
  fixture = makeStackFixture();
  root = mkdtempOwned("oxmig-audit-cmd-test-");
  const vmail = join(root, "target", "vmail");
  const inventory = readInventory(join(fixture.cwd, "inv"));
  const bindings = resolveBindings(inventory, { waves: [WAVE], mailRoot: vmail });
  crossed = bindings.filter((b) => b.kind === "personal").slice(0, 2) as [Binding, Binding];
  rehearsal = await startRehearsal({
    bindings,
    root,
    runSecret: newRunSecret(),
    evidence: sourceEvidence(inventory.people, inventory.sources),
    doveadmHttp: true,
  });
  await rehearsal.seed(2);
  const pairings = pairingsFor(bindings).map((p) => {
    const other = p.mailboxId === crossed[0].mailboxId ? crossed[1] : p.mailboxId === crossed[1].mailboxId ? crossed[0] : undefined;
    return other ? { ...p, sourceLogin: other.source.login, sourceExchangeGuid: other.source.exchangeGuid } : p;
  });
  expect((await rehearsal.migrate(pairings)).every((r) => r.ok)).toBe(true);
  config = {
    mailRoot: vmail,
    verifyDoveadmUrl: rehearsal.target.doveadmHttp!.url,
    sourceImapHost: "127.0.0.1",
    sourceImapPort: rehearsal.source.imapPort,
    sourceImapTls: "no",
    sourceImapMasterUser: rehearsal.source.masterUser.login,
  };
  writeStackConfig(fixture.cwd, config);
}, 60_000);

afterAll(() =>
  settleDovecots(
    () => rehearsal?.stop(),
    () => [root, fixture?.cwd].filter((f): f is string => Boolean(f)),
  ),
);

// Steps of one scenario on one rehearsal, in order: the audits, the adoption and the dry run read the crossed mail that `clean --apply` then removes.
describe("a wave migrated with two people's mail crossed: audited, then cleaned", { shuffle: false }, () => {
  describe("oxmig audit", () => {
    it("exits 1 and names both people whose mail was crossed, with counts, and no password or content", async () => {
      const { code, out } = await run(auditCommand, { wave: [WAVE] });
      expect(code).toBe(1);
      const [a, b] = crossed;
      expect(out).toMatch(new RegExp(`FOREIGN +${a.displayName}.*\\n +holds 2 message\\(s\\) of ${b.displayName}`));
      expect(out).toMatch(new RegExp(`FOREIGN +${b.displayName}.*\\n +holds 2 message\\(s\\) of ${a.displayName}`));
      expect(out).toContain("FOREIGN MAIL FOUND: 2 of");
      expect(out).not.toContain(rehearsal.source.masterUser.password);
      expect(out).not.toContain("Seeded message");
    });

    it("writes JSON and Markdown with the same verdicts", async () => {
      const json = JSON.parse((await run(auditCommand, { format: "json" })).out) as {
        foreignFound: boolean;
        verdicts: { status: string; foreign?: { count: number }[] }[];
      };
      expect(json.foreignFound).toBe(true);
      expect(json.verdicts.filter((v) => v.status === "foreign").map((v) => v.foreign![0]!.count)).toEqual([2, 2]);
      const markdown = (await run(auditCommand, { format: "markdown" })).out;
      expect(markdown).toContain("| status | mailbox of | holds mail of | messages | dates |");
      expect(markdown.match(/^\| foreign \|/gm)).toHaveLength(2);
    });
  });

  describe("oxmig audit --adoptions (OX users that existed before the stack)", () => {
    let ox: OxTestServer;
    const CONTEXT_ADMIN = { login: "oxadmin", password: "ctx-admin-pw-5e1" };
    beforeAll(async () => {
      ox = await startOxTestServer();
    });
    afterAll(() => ox?.close());

    it("adopts each legacy user whose mailbox holds only its owner's mail, and neither of the two whose mail was crossed", async () => {
      const inventory = readInventory(join(fixture.cwd, "inv"));
      const personal = fixture.bindings.filter((b) => b.kind === "personal");
      const context = personal[0]!.context;
      const contextId = inventory.plan.contexts.find((c) => c.name === context)?.id ?? 31;
      // Legacy users: no oxmig attributes, created by hand before the stack existed.
      const users = new Map(
        personal.map((b, i) => [
          100 + i,
          { id: 100 + i, name: b.oxName, display_name: b.displayName, imapLogin: b.imapLogin, primaryEmail: b.primaryAddress.display, userAttributes: {} },
        ]),
      );
      ox.contexts.set(contextId, { id: contextId, name: context, maxQuota: 1024, loginMappings: [context], admin: CONTEXT_ADMIN, users, nextUserId: 200 });
      const file = join(root, "adoptions.json");
      const oxEnv = {
        OXMIG_OX_ENDPOINT: ox.url,
        OXMIG_OX_ADMIN_USER: ox.master.login,
        OXMIG_OX_ADMIN_PASSWORD: ox.master.password,
        OXMIG_OX_CONTEXT_ADMIN_USER: CONTEXT_ADMIN.login,
        OXMIG_OX_CONTEXT_ADMIN_PASSWORD: CONTEXT_ADMIN.password,
      };
      const { code, out } = await run(auditCommand, { wave: [WAVE], adoptions: file, env: { ...env(), ...oxEnv } });
      expect(code).toBe(1); // the crossed mailboxes still hold foreign mail
      const written = JSON.parse(readFileSync(file, "utf8")) as { adoptions: { mailboxId: string; oxUserId: number; evidence: string }[] };
      const crossedIds = new Set(crossed.map((b) => b.mailboxId));
      const expected = personal.filter((b) => !crossedIds.has(b.mailboxId));
      expect(written.adoptions.map((a) => a.mailboxId).sort()).toEqual(expected.map((b) => b.mailboxId).sort());
      for (const a of written.adoptions) {
        expect(a.evidence).toBe("source-ownership");
        expect(users.get(a.oxUserId)!.imapLogin).toBe(personal.find((b) => b.mailboxId === a.mailboxId)!.imapLogin);
      }
      for (const b of crossed) expect(out).toMatch(new RegExp(`NOT ADOPTED [^\\n]*${b.displayName}`));
      expect(out).not.toContain(CONTEXT_ADMIN.password);
      expect(out).not.toContain(ox.master.password);
    });
  });

  describe("oxmig clean", () => {
    it("dry run lists the foreign messages by Message-ID, removes nothing, exits 1", async () => {
      const { code, out } = await run(cleanCommand, { wave: [WAVE] });
      expect(code).toBe(1);
      expect(out).toContain("Would remove 4 message(s):");
      expect(out).toMatch(/- INBOX <[^>]+@rehearsal\.oxmig\.example> guid /);
      expect(out).toContain("Dry run: nothing removed.");
      expect(existsSync(join(fixture.cwd, `oxmig-clean-${STACK}.jsonl`))).toBe(false);
      expect((await run(auditCommand)).code).toBe(1);
    });

    it("--apply removes exactly the foreign messages, logs them, and a rerun finds nothing left", async () => {
      const first = await run(cleanCommand, { wave: [WAVE], apply: true });
      expect(first.out).toContain("removed 4 of 4 foreign message(s)");
      expect(first.code).toBe(0);
      const log = readFileSync(join(fixture.cwd, `oxmig-clean-${STACK}.jsonl`), "utf8");
      expect(
        log
          .trim()
          .split("\n")
          .filter((l) => l.includes('"removed"')),
      ).toHaveLength(4);
      const audit = await run(auditCommand);
      expect(audit.out).toContain("CLEAN: 0 of");
      expect(audit.code).toBe(0);
      const again = await run(cleanCommand, { wave: [WAVE], apply: true });
      expect(again.out).toContain("removed 0 of 0");
      expect(again.code).toBe(0);
    });
  });
});

describe("oxmig audit and clean refuse what they cannot do safely", () => {
  it("refuses plain IMAP to a source that is not on loopback, before connecting (exit 2)", async () => {
    writeStackConfig(fixture.cwd, { ...config, sourceImapHost: "imap.exchange.example" });
    try {
      await expect(run(auditCommand)).rejects.toThrow(/Pulumi\.rehearsal-test\.yaml.*sourceImapTls.*only on loopback/s);
    } finally {
      writeStackConfig(fixture.cwd, config);
    }
  });

  it("reads the migration Job's own sourceImapTls values: imaps (default, port 993) and starttls", () => {
    const stack = (values: Record<string, string>) => ({
      project: "oxmig",
      stack: "prod",
      values: { sourceImapHost: "imap.exchange.example", sourceImapMasterUser: "admin", ...values },
      secureKeys: [],
      declaredSecretKeys: [],
      file: "Pulumi.prod.yaml",
    });
    const secrets = { [SOURCE_PASSWORD_VARIABLE]: "pw" };
    expect(sourceImapFromConfig(stack({}), secrets)).toMatchObject({ security: "tls", port: 993 });
    expect(sourceImapFromConfig(stack({ sourceImapTls: "starttls" }), secrets)).toMatchObject({ security: "starttls", port: 143 });
    expect(() => sourceImapFromConfig(stack({ sourceImapTls: "tls" }), secrets)).toThrow(/expected imaps or starttls, found "tls"/);
  });

  it("refuses with a clear message when the source password is not in the environment", async () => {
    const stdout = capture();
    await expect(auditCommand({ stack: STACK, cwd: fixture.cwd, env: { OXMIG_VERIFY_DOVEADM_KEY: "x" }, stdout, stderr: capture() })).rejects.toThrow(
      /OXMIG_SOURCE_IMAP_PASSWORD is not set/,
    );
  });

  it("needs --wave", async () => {
    await expect(run(cleanCommand)).rejects.toThrow(/clean needs --wave/);
  });
});
