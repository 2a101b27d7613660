// A dress rehearsal on real Dovecots: a source seeded with fingerprinted mail, a mail_crypt target
// whose userdb is rendered exactly as production renders it, migration with doveadm, verification.
// The steps are separate so a test can break one link of the chain between them.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Pairing } from "@oxmig/core/contract";
import type { Binding } from "@oxmig/core/model";
import { pairingOf } from "@oxmig/core/pairings";
import { renderUserdb, type UserdbLine } from "@oxmig/core/userdb";
import { startDovecot, type DovecotInstance } from "./dovecot/dovecot-instance";
import { endpointsOf } from "./verification/endpoints";
import { keyPasswordsFor } from "./migration/inputs";
import { rehearsalKeyPassword } from "./migration/keys";
import { migrate, type MigrateOptions, type PairResult } from "./migration/migrate";
import { mkdirOwned } from "./dovecot/run-as";
import { renderSourceUserdb, seedSource, type SourceUser } from "./migration/seed";
import { verifyTarget, type VerifyOptions } from "./verification/verify";
import { expectedFromEvidence, type Finding } from "./verification/types";
import type { SourceEvidence } from "@oxmig/core/source-ownership";

export interface Rehearsal {
  readonly source: DovecotInstance;
  readonly target: DovecotInstance;
  /** Seeds the given sources (default: every binding's), `perMailbox` messages each. */
  seed(perMailbox: number, users?: readonly SourceUser[], first?: number): Promise<void>;
  migrate(pairings?: readonly Pairing[], options?: MigrateOptions): Promise<PairResult[]>;
  /** Own-key check with the bindings' key passwords unless `keyPasswords` is given. */
  verify(options?: VerifyOptions): Promise<Finding[]>;
  stop(): Promise<void>;
}

export interface RehearsalInput {
  /** Bindings whose homes lie under `<root>/target/vmail` (resolveBindings with that mailRoot). */
  readonly bindings: readonly Binding[];
  readonly root: string;
  readonly runSecret: Buffer;
  /** Whose Exchange mailbox is whose by the exports: what verification judges each target's mail against. */
  readonly evidence: SourceEvidence;
  /** The target userdb lines; default: one per binding, key password from rehearsalKeyPassword. */
  readonly userdbLines?: readonly UserdbLine[];
  /** Told about each Dovecot as soon as it runs, so a caller can stop it on SIGINT. */
  readonly onStarted?: (instance: DovecotInstance) => void;
  /** Give the target the doveadm HTTP API (userdb checks before cut-over). */
  readonly doveadmHttp?: boolean;
  /** Give the target a deny passdb for containment (the incident drill). */
  readonly denyPassdb?: boolean;
  /** Where the instances are recorded for reaping (default: the per-user folder of instance-records.ts). */
  readonly recordsDir?: string;
}

export function userdbLinesFor(bindings: readonly Binding[], runSecret: Buffer): UserdbLine[] {
  return bindings.map((b) => ({ login: b.dovecotLogin, home: b.home, keyPassword: rehearsalKeyPassword(b.mailboxId, runSecret) }));
}

export function pairingsFor(bindings: readonly Binding[]): Pairing[] {
  return bindings.map(pairingOf);
}

export function sourceUsersFor(bindings: readonly Binding[]): SourceUser[] {
  return bindings.map((b) => ({ login: b.source.login, exchangeGuid: b.source.exchangeGuid }));
}

export async function startRehearsal(input: RehearsalInput): Promise<Rehearsal> {
  const { bindings, root } = input;
  const masterUser = () => ({ login: "oxmig-admin", password: randomBytes(18).toString("hex") });
  const recorded = { runDir: root, ...(input.recordsDir ? { recordsDir: input.recordsDir } : {}) };
  const sourceDir = join(root, "source");
  mkdirOwned(join(root, "target", "vmail"));
  const source = await startDovecot({
    role: "source",
    dir: sourceDir,
    ...recorded,
    mailCrypt: false,
    masterUser: masterUser(),
    userdbText: renderSourceUserdb(sourceUsersFor(bindings), join(sourceDir, "homes")),
  });
  input.onStarted?.(source);
  let target: DovecotInstance;
  try {
    target = await startDovecot({
      role: "target",
      dir: join(root, "target"),
      ...recorded,
      mailCrypt: true,
      masterUser: masterUser(),
      ...(input.doveadmHttp ? { doveadmHttp: true } : {}),
      ...(input.denyPassdb ? { denyPassdb: true } : {}),
      userdbText: renderUserdb(input.userdbLines ?? userdbLinesFor(bindings, input.runSecret)),
    });
  } catch (err) {
    await source.stop();
    throw err;
  }
  input.onStarted?.(target);
  mkdirOwned(join(sourceDir, "homes"));
  return {
    source,
    target,
    seed: (perMailbox, users, first) => seedSource(endpointsOf(source).lmtp, users ?? sourceUsersFor(bindings), perMailbox, 4, first),
    migrate: (pairings, options) => migrate(source, target, pairings ?? pairingsFor(bindings), options),
    verify: (options) =>
      verifyTarget(target, expectedFromEvidence(bindings, input.evidence), { keyPasswords: keyPasswordsFor(bindings, input.runSecret), ...options }),
    stop: async () => {
      await Promise.all([source.stop(), target.stop()]);
    },
  };
}
