// Which userdb a migration Job's `doveadm -u` resolves a login through, and where the home it gets
// lands (core/migration-auth.ts reads the Job). The mounted passwd-file decides the home and the key
// a run writes with: a Job that mounts another context's userdb, or a Secret this stack does not
// declare (so no rule read it), opens another person's mailbox under the right login.
import { K8S, TYPES } from "@oxmig/core/contract";
import type { ExecutedMigration, ExecutedRun } from "@oxmig/core/executed-migration";
import type { PodSecretRef } from "@oxmig/core/pod-files";
import { isUserdb, userdbView, type OxUserView, type ResourceLike, type UserdbView } from "./resources";
import { at, rawProps } from "./unknowns";

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** The declared userdb Secret a Job mounts, or why it is not one. */
export function mountedUserdb(resources: readonly ResourceLike[], ref: PodSecretRef, namespace: string | undefined): { view?: UserdbView; problem?: string } {
  const named = resources.filter((r) => {
    if (r.type !== TYPES.secret) return false;
    const props = rawProps(r.props);
    return (str(at(props, "metadata", "name")) ?? r.name) === ref.name && str(at(props, "metadata", "namespace")) === namespace;
  });
  if (named.length !== 1) {
    return {
      problem: named.length
        ? `${named.length} Secrets are named ${ref.name}`
        : `Secret ${ref.name}, which this stack does not declare (so no rule has read its passwd-file)`,
    };
  }
  if (!isUserdb(named[0]!)) return { problem: `Secret ${ref.name}, which is not a userdb Secret of this stack` };
  if (ref.key !== K8S.userdbDataKey) return { problem: `key ${ref.key} of Secret ${ref.name}, not its passwd-file (key ${K8S.userdbDataKey})` };
  return { view: userdbView(named[0]!) };
}

/**
 * Problems of one run's resolution: the userdb must be the declared one of the target's context,
 * hold the login, and its home must land in the mail storage mounted whole. Adds the storage used
 * to `storages` (one Job writes into one storage mount).
 */
export function resolutionProblems(
  executed: ExecutedMigration,
  run: ExecutedRun,
  user: OxUserView,
  userdb: { view?: UserdbView; problem?: string } | undefined,
  storages: Set<string>,
): string[] {
  // Without a readable sidecar the Job's own findings say why; nothing more to tell per run.
  if (!executed.userdb || !userdb || run.targetLogin === undefined) return [];
  const through = `resolves -u "${run.targetLogin}" through`;
  if (!userdb.view) return [`${through} ${userdb.problem}`];
  const db = userdb.view;
  if (db.context !== user.contextName) {
    return [
      `${through} ${executed.userdb.name}, the userdb of context ${db.context}, but the target mailbox is in context ${user.contextName ?? "(unknown)"}: doveadm would write with the home and key that userdb gives the login`,
    ];
  }
  if (!db.index)
    return [
      `${through} ${executed.userdb.name}, whose index cannot be read (${db.indexProblem ?? "unknown at preview"}), so where its home lands cannot be told`,
    ];
  // Dovecot lower-cases the login before the lookup (auth_username_format %Lu, the default our config keeps).
  const entries = db.index.filter((e) => e.login.toLowerCase() === run.targetLogin!.toLowerCase());
  if (entries.length !== 1) return [`${through} ${executed.userdb.name}, which has ${entries.length} entries for that login`];
  const { storage, problem } = executed.storageAt(run.container, entries[0]!.home);
  if (!storage) return [problem!];
  storages.add(`PVC ${storage.claim} at ${storage.mountPath || "/"}`);
  return [];
}
