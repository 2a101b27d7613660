// One migration wave: the pairing table (with the script, doveadm and Dovecot config and lifecycle
// declaration), the state volume, and — while the phase runs anything — the Indexed Job whose pod i
// runs pair i of the script (its spec: migration-job.ts).
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { K8S, TYPES, type Pairing } from "@oxmig/core/contract";
import { pairingDigest } from "@oxmig/core/job-progress";
import { LIFECYCLE_DATA_KEY, lifecycleOf, stateClaimName } from "@oxmig/core/lifecycle";
import { DOVECOT_CONF_KEY, renderMigrationDovecotConf, type MailAccount } from "@oxmig/core/migration-dovecot";
import { renderDoveadmConf, renderMigrationScript, type SourceTls } from "@oxmig/core/migration-script";
import type { Wave as WaveSpec } from "@oxmig/core/model";
import { DEFAULT_MAIL_ACCOUNT, MIGRATION_DEFAULTS, type MigrationSettings } from "../migration-settings";
import { migrationJobSpec, userdbSecretName } from "./migration-job";

export interface WaveArgs {
  /** The wave as the plan declares it (name, context, phase, canaries, phaseRollback, parallelism). */
  readonly wave: Pick<WaveSpec, "name" | "context" | "phase"> & Partial<Pick<WaveSpec, "canaries" | "phaseRollback" | "parallelism">>;
  /** Source → target pairs, derived from the bindings (core/pairings). */
  readonly pairings: readonly Pairing[];
  /** Kubernetes namespace of the ConfigMap and the Job. */
  readonly namespace: string;
  /** Existing Secret with keys imapc_master_user and imapc_password (one value each); not created here. */
  readonly imapcSecretName: string;
  /** Source (Exchange) IMAP host. */
  readonly sourceImapHost: string;
  /** Root of the homes; the mail storage is mounted there. */
  readonly mailRoot: string;
  /** Image, mail storage and its owner, resources, deadline, source port and TLS, parallelism and retries (infra/migration-settings.ts). */
  readonly migration: Pick<
    MigrationSettings,
    | "image"
    | "mailStorageClaim"
    | "mailAccount"
    | "resources"
    | "deadlineSeconds"
    | "sourceImapPort"
    | "sourceImapTls"
    | "parallelism"
    | "retriesPerMailbox"
    | "maxFailedPercent"
    | "stateStorageClass"
  >;
  /** Explicit Kubernetes provider (rendering manifests); default: the ambient one. */
  readonly k8sProvider?: k8s.Provider;
}

/** Size of the state volume: a state is ~100 bytes per folder per pair. */
export const STATE_VOLUME_SIZE = "1Gi";

export interface WaveConfigInput extends Pick<WaveArgs, "wave" | "pairings" | "sourceImapHost"> {
  readonly mailAccount?: MailAccount;
  /** Default: MIGRATION_DEFAULTS (993, imaps). */
  readonly sourceImapPort?: number;
  readonly sourceImapTls?: SourceTls;
}

/** The ConfigMap's data: pairing table, script, doveadm and Dovecot config and the lifecycle declaration. */
export function waveConfigData(args: WaveConfigInput): Record<string, string> {
  return {
    [K8S.pairingsDataKey]: JSON.stringify(args.pairings, null, 2),
    "migrate.sh": renderMigrationScript({ wave: args.wave.name, phase: args.wave.phase, pairings: args.pairings }),
    "doveadm.conf": renderDoveadmConf({
      sourceImapHost: args.sourceImapHost,
      sourceImapPort: args.sourceImapPort ?? MIGRATION_DEFAULTS.sourceImapPort,
      sourceImapTls: args.sourceImapTls ?? MIGRATION_DEFAULTS.sourceImapTls,
    }),
    [DOVECOT_CONF_KEY]: renderMigrationDovecotConf(args.mailAccount ?? DEFAULT_MAIL_ACCOUNT),
    [LIFECYCLE_DATA_KEY]: JSON.stringify(lifecycleOf(args.wave), null, 2),
  };
}

export class Wave extends pulumi.ComponentResource {
  constructor(name: string, args: WaveArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(TYPES.waveComponent, name, {}, opts);
    const { wave } = args;
    const labels = { [K8S.labelWave]: wave.name, [K8S.labelContext]: wave.context };
    const childOpts = { parent: this, ...(args.k8sProvider ? { provider: args.k8sProvider } : {}) };
    const { migration } = args;
    const data = waveConfigData({
      ...args,
      mailAccount: migration.mailAccount,
      sourceImapPort: migration.sourceImapPort,
      sourceImapTls: migration.sourceImapTls,
    });
    const lifecycle = lifecycleOf(wave);
    const configMap = new k8s.core.v1.ConfigMap(
      `pairings-${wave.name}`,
      {
        metadata: {
          name: `pairings-${wave.name}`,
          namespace: args.namespace,
          labels: { ...labels, [K8S.labelRole]: "pairings" },
          annotations: { [K8S.annotationPhase]: wave.phase },
        },
        data,
      },
      childOpts,
    );
    // Declared in every phase: it holds the baseline the cut-over sync needs; losing it forces a full
    // sync, which duplicates mail. Kept when the wave leaves the stack. ReadWriteMany: the Job's pods
    // run on several nodes at once, each writing its own mailbox's state file (docs/lifecycle.md).
    const claim = new k8s.core.v1.PersistentVolumeClaim(
      stateClaimName(wave.name),
      {
        metadata: { name: stateClaimName(wave.name), namespace: args.namespace, labels: { ...labels, [K8S.labelRole]: "migration-state" } },
        spec: {
          accessModes: ["ReadWriteMany"],
          ...(migration.stateStorageClass ? { storageClassName: migration.stateStorageClass } : {}),
          resources: { requests: { storage: STATE_VOLUME_SIZE } },
        },
      },
      { ...childOpts, retainOnDelete: true },
    );
    // `done` runs nothing, so it has no Job at all: nothing can be started by mistake. A wave without
    // pairs (the plan refuses one) would have nothing to index either.
    if (lifecycle.mode !== "none" && args.pairings.length > 0) {
      const spec = migrationJobSpec({
        wave: wave.name,
        namespace: args.namespace,
        labels,
        configMapName: configMap.metadata.name,
        configHash: configHash(data),
        pairs: args.pairings.length,
        ...(wave.parallelism !== undefined ? { parallelism: wave.parallelism } : {}),
        pairingDigest: pairingDigest(args.pairings),
        phase: wave.phase,
        imapcSecretName: args.imapcSecretName,
        userdbSecretName: userdbSecretName(wave.context),
        mailRoot: args.mailRoot,
        settings: migration,
      });
      new k8s.batch.v1.Job(`migrate-${wave.name}`, spec, {
        ...childOpts,
        dependsOn: [claim],
        // Fixed name and immutable pod template: a changed table must delete the old Job first.
        deleteBeforeReplace: true,
      });
    }
    this.registerOutputs({ pairings: args.pairings.length, phase: wave.phase, mode: lifecycle.mode });
  }
}

/** Changes whenever the table or script changes, so the Job is replaced and runs again. */
function configHash(data: Record<string, string>): string {
  return createHash("sha256").update(JSON.stringify(data)).digest("hex").slice(0, 16);
}
