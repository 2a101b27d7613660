// The migration Job's spec, as plain data: an Indexed Job with one completion per pair, whose pod i
// runs pair i of the wave's migrate.sh; what each pod needs to run it (the target's mail storage, a
// Dovecot that resolves `-u` through the context's userdb, the source credentials), and nothing more
// (non-root, read-only root, no capabilities, no service-account token, a deadline). The policy pack
// reads this spec back (core/executed-migration.ts, core/indexed-job.ts, core/migration-auth.ts); the
// test fixtures build their Jobs with this very function.
//
// Per-index retries (backoffLimitPerIndex, maxFailedIndexes, podFailurePolicy action FailIndex) and
// podReplacementPolicy need Kubernetes ≥ 1.29 (beta there, on by default; backoffLimitPerIndex GA in
// 1.33), as does the native sidecar. An older API server refuses the FailIndex action or drops fields it
// does not know (not tried here: no cluster runs in this repository's tests).
import { posix } from "node:path";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { K8S } from "@oxmig/core/contract";
import { PAIRING_DIGEST_ANNOTATION } from "@oxmig/core/job-progress";
import { stateClaimName } from "@oxmig/core/lifecycle";
import { AUTH_SIDECAR, DOVECOT_CONF_KEY, MIGRATION_DOVECOT_PATHS } from "@oxmig/core/migration-dovecot";
import { IMAPC_SECRET_KEYS, MIGRATION_PATHS, REFUSED_EXIT_CODE } from "@oxmig/core/migration-script";
import type { WavePhase } from "@oxmig/core/model";
import { indexSettings, type MigrationSettings } from "../migration-settings";

export interface MigrationJobInput {
  readonly wave: string;
  readonly namespace: string;
  /** Wave and context labels (the pod gets them too, plus the migration role the NetworkPolicy selects). */
  readonly labels: Readonly<Record<string, string>>;
  /** The wave's ConfigMap (script, doveadm.conf, dovecot.conf). */
  readonly configMapName: pulumi.Input<string>;
  /** Changes with the ConfigMap's data, so a new table or script replaces the Job. */
  readonly configHash: string;
  /** The wave's phase (annotated on the Job, so `oxmig status` can show what it runs). */
  readonly phase: WavePhase;
  /** Number of pairs in the wave's table: the Job's completions, index i running pair i. */
  readonly pairs: number;
  /** The plan's parallelism for this wave, if it sets one (else the stack's migrationParallelism). */
  readonly parallelism?: number;
  /** Digest of the pairing table in index order (core/job-progress.ts), so `oxmig status` can tell it names the right mailboxes. */
  readonly pairingDigest: string;
  /** Existing Secret with one key per credential (IMAPC_SECRET_KEYS); not created here. */
  readonly imapcSecretName: string;
  /** The wave's context's userdb Secret (key `passwd`), read by the auth sidecar only. */
  readonly userdbSecretName: string;
  /** Where the homes live (the mail storage is mounted there). */
  readonly mailRoot: string;
  readonly settings: Pick<
    MigrationSettings,
    "image" | "mailStorageClaim" | "mailAccount" | "resources" | "deadlineSeconds" | "parallelism" | "retriesPerMailbox" | "maxFailedPercent"
  >;
}

/** Name of the migration container; the pod failure policy names it. */
export const MIGRATE_CONTAINER = "migrate";

/** The Secret ContextStack declares for a context's passwd-file (infra/components/context-stack.ts). */
export const userdbSecretName = (context: string): string => `userdb-${context}`;

/** Role label of the migration pods; the NetworkPolicy selects it. */
export const MIGRATION_ROLE = "migration";

// The sidecar only answers userdb lookups of one wave: a passwd-file of a few thousand lines.
const SIDECAR_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } };

const CONTAINER_SECURITY = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
};

/** Secret files are owned by root; the processes read them through fsGroup (the storage owner's group). */
const GROUP_READABLE = 0o440;

export function migrationJobSpec(input: MigrationJobInput): k8s.batch.v1.JobArgs {
  const { settings } = input;
  const mailRoot = input.mailRoot.replace(/\/+$/, "");
  const confItems = [{ key: DOVECOT_CONF_KEY, path: posix.basename(MIGRATION_DOVECOT_PATHS.conf) }];
  const secretItems = IMAPC_SECRET_KEYS.map((key) => ({
    key,
    path: posix.join(posix.relative(MIGRATION_PATHS.dir, MIGRATION_PATHS.secretDir), key),
    mode: GROUP_READABLE,
  }));
  return {
    metadata: {
      name: `migrate-${input.wave}`,
      namespace: input.namespace,
      labels: { ...input.labels, [K8S.labelRole]: MIGRATION_ROLE },
      // A copy runs for hours; `pulumi up` must not wait for the Job to finish.
      annotations: { "pulumi.com/skipAwait": "true", [PAIRING_DIGEST_ANNOTATION]: input.pairingDigest, [K8S.annotationPhase]: input.phase },
    },
    spec: {
      // Pod i runs pair i (JOB_COMPLETION_INDEX); a failed pair is retried on its own and stops no other.
      completionMode: "Indexed",
      completions: input.pairs,
      ...indexSettings(settings, input.pairs, input.parallelism),
      // Only once the old pod of an index is gone does its replacement start: one pod per mailbox and state file.
      podReplacementPolicy: "Failed",
      podFailurePolicy: {
        rules: [
          // The script refused (bad index or table, no saved state): a retry cannot help.
          { action: "FailIndex", onExitCodes: { containerName: MIGRATE_CONTAINER, operator: "In", values: [REFUSED_EXIT_CODE] } },
          // A drained node or preemption is not the mailbox's fault: retried without counting.
          { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
        ],
      },
      // Kubernetes ends the running pods after this and marks the Job failed; pairs not yet copied keep no new state.
      activeDeadlineSeconds: settings.deadlineSeconds,
      template: {
        metadata: { labels: { ...input.labels, [K8S.labelRole]: MIGRATION_ROLE }, annotations: { "oxmig.example/config-hash": input.configHash } },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          // No Service environment variables either: the pack rejects any environment (PATH decides which doveadm runs).
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: settings.mailAccount.uid,
            runAsGroup: settings.mailAccount.gid,
            fsGroup: settings.mailAccount.gid,
            // Not a recursive chown of every mail file at each start; only when the volume root differs.
            fsGroupChangePolicy: "OnRootMismatch",
            seccompProfile: { type: "RuntimeDefault" },
          },
          // A native sidecar (Kubernetes ≥ 1.29): starts first, ends when the migration container ends.
          initContainers: [
            {
              name: AUTH_SIDECAR.name,
              image: settings.image,
              restartPolicy: "Always",
              command: [...AUTH_SIDECAR.command],
              startupProbe: {
                exec: { command: [...AUTH_SIDECAR.startupProbe.exec.command] },
                periodSeconds: AUTH_SIDECAR.startupProbe.periodSeconds,
                failureThreshold: AUTH_SIDECAR.startupProbe.failureThreshold,
              },
              securityContext: CONTAINER_SECURITY,
              resources: SIDECAR_RESOURCES,
              volumeMounts: [
                { name: "dovecot-auth", mountPath: MIGRATION_DOVECOT_PATHS.confDir, readOnly: true },
                { name: "dovecot-run", mountPath: MIGRATION_DOVECOT_PATHS.baseDir },
              ],
            },
          ],
          containers: [
            {
              name: MIGRATE_CONTAINER,
              image: settings.image,
              command: ["/bin/sh", MIGRATION_PATHS.script],
              securityContext: CONTAINER_SECURITY,
              resources: { requests: { ...settings.resources.requests }, limits: { ...settings.resources.limits } },
              volumeMounts: [
                { name: "oxmig", mountPath: MIGRATION_PATHS.dir, readOnly: true },
                { name: "state", mountPath: MIGRATION_PATHS.stateDir },
                { name: "mail", mountPath: mailRoot },
                { name: "dovecot-conf", mountPath: MIGRATION_DOVECOT_PATHS.confDir, readOnly: true },
                { name: "dovecot-run", mountPath: MIGRATION_DOVECOT_PATHS.baseDir },
                { name: "tmp", mountPath: MIGRATION_DOVECOT_PATHS.tmp },
              ],
            },
          ],
          volumes: [
            // One projected volume: the ConfigMap at /etc/oxmig, each credential as its own file under
            // /etc/oxmig/secret (a Secret mounted inside a read-only ConfigMap mount would need a mount point there).
            {
              name: "oxmig",
              projected: {
                sources: [{ configMap: { name: input.configMapName } }, { secret: { name: input.imapcSecretName, items: secretItems } }],
              },
            },
            // Plain names, so the policies can read them at preview.
            { name: "state", persistentVolumeClaim: { claimName: stateClaimName(input.wave) } },
            { name: "mail", persistentVolumeClaim: { claimName: settings.mailStorageClaim } },
            // doveadm sees only the configuration; the passwd-file (every key password of the context) stays in the sidecar.
            { name: "dovecot-conf", configMap: { name: input.configMapName, items: confItems } },
            {
              name: "dovecot-auth",
              projected: {
                sources: [
                  { configMap: { name: input.configMapName, items: confItems } },
                  {
                    secret: {
                      name: input.userdbSecretName,
                      items: [
                        { key: K8S.userdbDataKey, path: posix.relative(MIGRATION_DOVECOT_PATHS.confDir, MIGRATION_DOVECOT_PATHS.userdb), mode: GROUP_READABLE },
                      ],
                    },
                  },
                ],
              },
            },
            // Dovecot's sockets, shared by both containers; nothing else can answer there.
            { name: "dovecot-run", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
            // The root filesystem is read-only; doveadm keeps large messages here while it copies them.
            { name: "tmp", emptyDir: { sizeLimit: "2Gi" } },
          ],
        },
      },
    },
  };
}
