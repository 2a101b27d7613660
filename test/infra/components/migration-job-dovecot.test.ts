// The migration Job as declared, run on the real Dovecot 2.3 here (needs Dovecot 2.3), unprivileged like
// the pod (as the rehearsal's run account, which stands in for the storage owner): its volumes are laid
// out as the kubelet would (test/infra/support/pod-layout.ts, pod paths moved under a temp folder), the
// sidecar runs `dovecot -F -c` on the mounted dovecot.conf, and the migration container's own
// migrate.sh, run once per Job index as the Indexed Job's pods would, copies a source Dovecot into the
// homes the mounted userdb names, encrypted with each key. The credentials reach doveadm as plain values
// of the Secret's files (`key = <file`), and a setting hidden in such a file changes nothing.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pairing } from "@oxmig/core/contract";
import { homeFor } from "@oxmig/core/ids";
import { pairingDigest } from "@oxmig/core/job-progress";
import { MIGRATION_DOVECOT_PATHS } from "@oxmig/core/migration-dovecot";
import { MIGRATION_PATHS } from "@oxmig/core/migration-script";
import { renderUserdb } from "@oxmig/core/userdb";
import { migrationJobSpec } from "../../../infra/components/migration-job";
import { waveConfigData } from "../../../infra/components/wave";
import { readCryptedHeader } from "../../../rehearsal/verification/crypted-file";
import { startDovecot, type DovecotInstance } from "../../../rehearsal/dovecot/dovecot-instance";
import { endpointsOf } from "../../../rehearsal/verification/endpoints";
import { mkdirOwned, mkdtempOwned, runAccount, writeOwned } from "../../../rehearsal/dovecot/run-as";
import { fingerprint, renderSourceUserdb, seedSource } from "../../../rehearsal/migration/seed";
import { FIXTURE_MIGRATION } from "../../policies/executed-migration-fixtures";
import { layOutContainer } from "../support/pod-layout";

const MAIL_ROOT = "/var/vmail";
const PAIRINGS: Pairing[] = [
  {
    mailboxId: "a1b2c3d4-0000-4000-8000-000000000001",
    sourceLogin: "anna@land.example",
    sourceExchangeGuid: "e0000000-0000-4000-8000-0000000000a1",
    targetLogin: "anna",
  },
  {
    mailboxId: "b2c3d4e5-0000-4000-8000-000000000002",
    sourceLogin: "ben@land.example",
    sourceExchangeGuid: "e0000000-0000-4000-8000-0000000000b2",
    targetLogin: "ben",
  },
];
const SEEDED = 2;
/** Pod paths the files name; each container sees them under its own folder. */
const POD_PREFIXES = [MIGRATION_DOVECOT_PATHS.confDir, MIGRATION_DOVECOT_PATHS.baseDir, MIGRATION_PATHS.dir, MIGRATION_PATHS.stateDir];

const account = runAccount();
const mailAccount = { user: account.user, group: account.group, uid: account.uid, gid: account.gid };
/** As the pod's runAsUser: switch only when the test runs as root. */
const runAs = process.getuid?.() === 0 ? { uid: account.uid, gid: account.gid } : {};

let root: string;
let sidecarRoot: string;
let migrateRoot: string;
let source: DovecotInstance | undefined;
let sidecar: ChildProcess | undefined;
let sidecarLog = "";
const homeOf = (p: Pairing) => homeFor(p.mailboxId, join(migrateRoot, MAIL_ROOT));

function run(command: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 60_000, ...runAs });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function waitFor(path: string, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!existsSync(path)) {
    if (sidecar?.exitCode !== null || Date.now() > deadline) throw new Error(`${what} did not appear: ${sidecarLog}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  root = mkdtempOwned("oxmig-job-dovecot-");
  const masterUser = { login: "oxmig-admin", password: randomBytes(18).toString("hex") };
  const sourceDir = join(root, "source");
  const users = PAIRINGS.map((p) => ({ login: p.sourceLogin, exchangeGuid: p.sourceExchangeGuid }));
  source = await startDovecot({
    role: "source",
    dir: sourceDir,
    runDir: root,
    mailCrypt: false,
    masterUser,
    userdbText: renderSourceUserdb(users, join(sourceDir, "homes")),
  });
  mkdirOwned(join(sourceDir, "homes"));
  await seedSource(endpointsOf(source).lmtp, users, SEEDED);

  const wave = { name: "w01-im", context: "im", phase: "copying" as const };
  const configMap = waveConfigData({
    wave,
    pairings: PAIRINGS,
    sourceImapHost: "127.0.0.1",
    sourceImapPort: source.imapPort,
    sourceImapTls: "no",
    mailAccount,
  });
  const job = migrationJobSpec({
    wave: wave.name,
    namespace: "oxmig",
    labels: {},
    configMapName: "pairings-w01-im",
    configHash: "test",
    imapcSecretName: "imapc",
    phase: wave.phase,
    pairs: PAIRINGS.length,
    pairingDigest: pairingDigest(PAIRINGS),
    userdbSecretName: "userdb-im",
    mailRoot: MAIL_ROOT,
    settings: { ...FIXTURE_MIGRATION, mailAccount },
  });
  const pod = (job.spec as { template: { spec: Record<string, any> } }).template.spec; // eslint-disable-line @typescript-eslint/no-explicit-any -- plain declared data
  migrateRoot = join(root, "migrate");
  const keyPassword = () => randomBytes(18).toString("hex");
  const data = {
    configMaps: { "pairings-w01-im": configMap },
    secrets: {
      // One value per key, no trailing newline (kubectl create secret --from-literal writes them so).
      imapc: { imapc_master_user: masterUser.login, imapc_password: masterUser.password },
      // The homes as the pod sees them, already under the migration container's folder.
      "userdb-im": { passwd: renderUserdb(PAIRINGS.map((p) => ({ login: p.targetLogin, home: homeOf(p), keyPassword: keyPassword() }))) },
    },
  };
  sidecarRoot = layOutContainer(root, pod, "dovecot-auth", data, POD_PREFIXES);
  expect(layOutContainer(root, pod, "migrate", data, POD_PREFIXES)).toBe(migrateRoot);

  const [program, ...args] = pod.initContainers[0].command as string[];
  sidecar = spawn(
    program!,
    args.map((a) => (a === MIGRATION_DOVECOT_PATHS.conf ? join(sidecarRoot, a) : a)),
    { stdio: ["ignore", "ignore", "pipe"], ...runAs },
  );
  sidecar.stderr!.on("data", (d: Buffer) => (sidecarLog += d.toString()));
  // What the sidecar's startupProbe waits for.
  await waitFor(join(sidecarRoot, MIGRATION_DOVECOT_PATHS.baseDir, "auth-userdb"), "the auth socket");
}, 60_000);

afterAll(async () => {
  if (sidecar && sidecar.exitCode === null && sidecar.signalCode === null) {
    const exited = new Promise((resolve) => sidecar!.once("exit", resolve));
    sidecar.kill("SIGTERM");
    await exited;
  }
  await source?.stop();
  // Only our own Dovecots: their command line names our folder.
  const left = readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(root);
      } catch {
        return false;
      }
    });
  if (root) rmSync(root, { recursive: true, force: true });
  expect(left).toEqual([]);
}, 30_000);

describe("the migration Job on a real Dovecot", () => {
  it("doveconf accepts the dovecot.conf each container reads", () => {
    for (const croot of [sidecarRoot, migrateRoot]) {
      const checked = run("doveconf", ["-c", join(croot, MIGRATION_DOVECOT_PATHS.conf), "-n"]);
      expect(checked.status, checked.stderr).toBe(0);
    }
  });

  it("doveadm -u, in the migration container, resolves each login through the sidecar to its home on the mail volume", () => {
    for (const p of PAIRINGS) {
      // -f home: only that field; the userdb entry also holds the key password.
      const looked = run("doveadm", ["-c", join(migrateRoot, MIGRATION_PATHS.doveadmConf), "user", "-f", "home", p.targetLogin]);
      expect(looked.status, looked.stderr).toBe(0);
      expect(looked.stdout.trim()).toBe(homeOf(p));
      expect(homeOf(p).startsWith(join(migrateRoot, MAIL_ROOT))).toBe(true);
    }
  });

  it("a setting hidden in a credential file stays part of its value: doveadm still writes where the rendered config says", () => {
    const conf = join(migrateRoot, MIGRATION_PATHS.doveadmConf);
    const probe = join(root, "probe.conf");
    // The rendered doveadm.conf with the password read from a file that tries to move mail_location.
    const injected = join(root, "injected-password");
    writeOwned(injected, `not-the-password\nmail_location = maildir:${join(root, "elsewhere")}\n!include ${join(root, "nothing.conf")}\n`);
    writeOwned(probe, readFileSync(conf, "utf8").replace(/^imapc_password = <.*$/m, `imapc_password = <${injected}`));
    const mail = run("doveadm", ["-c", probe, "user", "-f", "mail", PAIRINGS[0]!.targetLogin]);
    expect(mail.status, mail.stderr).toBe(0);
    expect(mail.stdout.trim()).toBe("maildir:~/Maildir");
    const value = run("doveconf", ["-x", "-c", probe, "-h", "imapc_password"]);
    expect(value.stdout).toContain("mail_location = maildir:");
    // The include this file used to be (imapc.conf) did move it: what the value form closes.
    const included = join(root, "included.conf");
    writeOwned(included, `mail_location = maildir:${join(root, "elsewhere")}\n`);
    writeOwned(probe, `${readFileSync(conf, "utf8")}!include ${included}\n`);
    expect(run("doveadm", ["-c", probe, "user", "-f", "mail", PAIRINGS[0]!.targetLogin]).stdout.trim()).toBe(`maildir:${join(root, "elsewhere")}`);
  });

  it("the wave's migrate.sh, run once per Job index, copies each source into its own home, encrypted with the key from the mounted userdb", () => {
    const script = join(migrateRoot, MIGRATION_PATHS.script);
    for (const [index, p] of PAIRINGS.entries()) {
      const ran = spawnSync("/bin/sh", [script], {
        encoding: "utf8",
        timeout: 60_000,
        env: { PATH: process.env.PATH, JOB_COMPLETION_INDEX: String(index) },
        ...runAs,
      });
      expect(ran.stdout, ran.stderr).toBe(`done ${p.mailboxId} (index ${index})\n`);
      expect(ran.status).toBe(0);
    }
    for (const p of PAIRINGS) {
      const maildir = join(homeOf(p), "Maildir");
      const files = ["cur", "new"].flatMap((d) => readdirSync(join(maildir, d)).map((f) => join(maildir, d, f)));
      expect(files).toHaveLength(SEEDED);
      for (const f of files) expect(readCryptedHeader(readFileSync(f)).encrypted, f).toBe(true);
      const bodies = run("doveadm", ["-c", join(migrateRoot, MIGRATION_PATHS.doveadmConf), "fetch", "-u", p.targetLogin, "text", "all"]);
      expect(bodies.status, bodies.stderr).toBe(0);
      expect(bodies.stdout).toContain(fingerprint(p.sourceExchangeGuid, 1));
      for (const other of PAIRINGS.filter((o) => o !== p)) expect(bodies.stdout).not.toContain(other.sourceExchangeGuid);
      expect(existsSync(join(migrateRoot, MIGRATION_PATHS.stateDir, `${p.mailboxId}.state`))).toBe(true);
    }
  });
});
