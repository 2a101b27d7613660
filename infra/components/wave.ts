// One migration wave: the pairing table (with the script, doveadm config and lifecycle declaration),
// the state volume, and — while the phase runs anything — the Job that runs the script.
import { createHash } from "node:crypto";
import { posix } from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { K8S, TYPES, type Pairing } from "../../core/contract";
import { LIFECYCLE_DATA_KEY, lifecycleOf, stateClaimName } from "../../core/lifecycle";
import { MIGRATION_PATHS, renderDoveadmConf, renderMigrationScript } from "../../core/migration-script";
import type { Wave as WaveSpec } from "../../core/model";

export interface WaveArgs {
  /** The wave as the plan declares it (name, context, phase, canaries, phaseRollback). */
  readonly wave: Pick<WaveSpec, "name" | "context" | "phase"> & Partial<Pick<WaveSpec, "canaries" | "phaseRollback">>;
  /** Source → target pairs, derived from the bindings (core/pairings). */
  readonly pairings: readonly Pairing[];
  /** Kubernetes namespace of the ConfigMap and the Job. */
  readonly namespace: string;
  /** Container image with doveadm and the target Dovecot's configuration. */
  readonly migrationImage: string;
  /** Existing Secret with key `imapc.conf` (source port, master user, password); not created here. */
  readonly imapcSecretName: string;
  /** Source (Exchange) IMAP host. */
  readonly sourceImapHost: string;
  /** Explicit Kubernetes provider (rendering manifests); default: the ambient one. */
  readonly k8sProvider?: k8s.Provider;
}

/** Size of the state volume: a state is ~100 bytes per folder per pair. */
export const STATE_VOLUME_SIZE = "1Gi";

/** The ConfigMap's data: pairing table, script, doveadm config and the lifecycle declaration. */
export function waveConfigData(args: Pick<WaveArgs, "wave" | "pairings" | "sourceImapHost">): Record<string, string> {
  return {
    [K8S.pairingsDataKey]: JSON.stringify(args.pairings, null, 2),
    "migrate.sh": renderMigrationScript({ wave: args.wave.name, phase: args.wave.phase, pairings: args.pairings }),
    "doveadm.conf": renderDoveadmConf({ sourceImapHost: args.sourceImapHost }),
    [LIFECYCLE_DATA_KEY]: JSON.stringify(lifecycleOf(args.wave), null, 2),
  };
}

export class Wave extends pulumi.ComponentResource {
  constructor(name: string, args: WaveArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(TYPES.waveComponent, name, {}, opts);
    const { wave } = args;
    const labels = { [K8S.labelWave]: wave.name, [K8S.labelContext]: wave.context };
    const childOpts = { parent: this, ...(args.k8sProvider ? { provider: args.k8sProvider } : {}) };
    const data = waveConfigData(args);
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
    // sync, which duplicates mail. Kept when the wave leaves the stack.
    const claim = new k8s.core.v1.PersistentVolumeClaim(
      stateClaimName(wave.name),
      {
        metadata: { name: stateClaimName(wave.name), namespace: args.namespace, labels: { ...labels, [K8S.labelRole]: "migration-state" } },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: STATE_VOLUME_SIZE } } },
      },
      { ...childOpts, retainOnDelete: true },
    );
    // `done` runs nothing, so it has no Job at all: nothing can be started by mistake.
    if (lifecycle.mode !== "none") {
      new k8s.batch.v1.Job(`migrate-${wave.name}`, jobSpec(args, labels, configMap, configHash(data)), {
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

function jobSpec(args: WaveArgs, labels: Record<string, string>, configMap: k8s.core.v1.ConfigMap, hash: string): k8s.batch.v1.JobArgs {
  return {
    metadata: {
      name: `migrate-${args.wave.name}`,
      namespace: args.namespace,
      labels: { ...labels, [K8S.labelRole]: "migration" },
      // A copy runs for hours; `pulumi up` must not wait for the Job to finish.
      annotations: { "pulumi.com/skipAwait": "true" },
    },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels, annotations: { "oxmig.example/config-hash": hash } },
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: "migrate",
              image: args.migrationImage,
              command: ["/bin/sh", MIGRATION_PATHS.script],
              volumeMounts: [
                { name: "oxmig", mountPath: MIGRATION_PATHS.dir, readOnly: true },
                { name: "state", mountPath: MIGRATION_PATHS.stateDir },
              ],
            },
          ],
          // One projected volume: the ConfigMap at /etc/oxmig, the credentials Secret at /etc/oxmig/secret
          // (a Secret mounted inside a read-only ConfigMap mount would need a mount point there).
          volumes: [
            {
              name: "oxmig",
              projected: {
                sources: [
                  { configMap: { name: configMap.metadata.name } },
                  { secret: { name: args.imapcSecretName, items: [{ key: MIGRATION_PATHS.imapcSecretKey, path: posix.relative(MIGRATION_PATHS.dir, MIGRATION_PATHS.imapcConf), mode: 0o400 }] } },
                ],
              },
            },
            // A plain name, so the policies can read it at preview.
            { name: "state", persistentVolumeClaim: { claimName: stateClaimName(args.wave.name) } },
          ],
        },
      },
    },
  };
}
