import { describe, expect, it } from "vitest";
import { K8S } from "@oxmig/core/contract";
import { readExecutedMigration } from "@oxmig/core/executed-migration";
import { AUTH_SIDECAR, MIGRATION_DOVECOT_PATHS } from "@oxmig/core/migration-dovecot";
import { IMAPC_SECRET_KEYS, MIGRATION_PATHS } from "@oxmig/core/migration-script";
import { pairingDigest, PAIRING_DIGEST_ANNOTATION } from "@oxmig/core/job-progress";
import { declaredConfigMap } from "@oxmig/core/pod-files";
import { migrationJobSpec, userdbSecretName, type MigrationJobInput } from "../../../infra/components/migration-job";
import { waveConfigData } from "../../../infra/components/wave";
import { FIXTURE_MIGRATION } from "../../policies/executed-migration-fixtures";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- declared data, read loosely

const pairings = [
  { mailboxId: "aa11", sourceLogin: "anna@land.example", sourceExchangeGuid: "ex-aa11", targetLogin: "anna" },
  { mailboxId: "bb22", sourceLogin: "ben@land.example", sourceExchangeGuid: "ex-bb22", targetLogin: "ben" },
];
const labels = { [K8S.labelWave]: "w01-im", [K8S.labelContext]: "im" };
const input: MigrationJobInput = {
  wave: "w01-im",
  namespace: "oxmig",
  labels,
  configMapName: "pairings-w01-im",
  configHash: "h",
  imapcSecretName: "imapc",
  phase: "copying",
  pairs: pairings.length,
  pairingDigest: pairingDigest(pairings),
  userdbSecretName: userdbSecretName("im"),
  mailRoot: "/srv/mail/",
  settings: FIXTURE_MIGRATION,
};
const job = (over: Partial<MigrationJobInput> = {}): Obj => structuredClone(migrationJobSpec({ ...input, ...over })) as Obj;
const podOf = (j: Obj): Obj => j.spec.template.spec;
const mountsOf = (c: Obj) => Object.fromEntries((c.volumeMounts as Obj[]).map((m) => [m.mountPath, m.name]));

describe("the migration Job's spec", () => {
  it("mounts what doveadm -u needs: the mail storage at the mail root, the Dovecot config, the sidecar's socket folder, /tmp", () => {
    const pod = podOf(job());
    const [sidecar, migrate] = [pod.initContainers[0], pod.containers[0]];
    expect(mountsOf(migrate)).toEqual({
      [MIGRATION_PATHS.dir]: "oxmig",
      [MIGRATION_PATHS.stateDir]: "state",
      "/srv/mail": "mail",
      [MIGRATION_DOVECOT_PATHS.confDir]: "dovecot-conf",
      [MIGRATION_DOVECOT_PATHS.baseDir]: "dovecot-run",
      [MIGRATION_DOVECOT_PATHS.tmp]: "tmp",
    });
    expect(mountsOf(sidecar)).toEqual({ [MIGRATION_DOVECOT_PATHS.confDir]: "dovecot-auth", [MIGRATION_DOVECOT_PATHS.baseDir]: "dovecot-run" });
    const volume = (name: string) => pod.volumes.find((v: Obj) => v.name === name);
    expect(volume("mail")).toEqual({ name: "mail", persistentVolumeClaim: { claimName: "dovecot-mail" } });
    expect(volume("dovecot-auth").projected.sources[1]).toEqual({ secret: { name: "userdb-im", items: [{ key: "passwd", path: "userdb", mode: 0o440 }] } });
    // The passwd-file (every key password of the context) is not in the migration container.
    expect(JSON.stringify(migrate.volumeMounts.map((m: Obj) => volume(m.name)))).not.toContain("userdb-im");
    expect(sidecar).toMatchObject({ name: AUTH_SIDECAR.name, restartPolicy: "Always", command: [...AUTH_SIDECAR.command] });
  });

  it("is read by the policy pack as reaching the wave's context's userdb and the mail PVC, with no findings", () => {
    const configMap = {
      metadata: { name: "pairings-w01-im", namespace: "oxmig", labels },
      data: waveConfigData({ wave: { name: "w01-im", context: "im", phase: "copying" }, pairings, sourceImapHost: "exchange.land.example" }),
    };
    const reading = readExecutedMigration({ name: "migrate-w01-im", props: job() }, [declaredConfigMap(configMap, "pairings-w01-im")]);
    expect(reading.problems).toEqual([]);
    expect(reading.runs.map((r) => [r.index, r.targetLogin])).toEqual([
      [0, "anna"],
      [1, "ben"],
    ]);
    expect(reading.userdb).toEqual({ name: "userdb-im", key: "passwd" });
    expect(reading.storageAt("migrate", "/srv/mail/aa/aa11")).toEqual({ storage: { claim: "dovecot-mail", mountPath: "/srv/mail" } });
  });

  it("is hardened: non-root as the storage owner, read-only root, no privilege, no token, a deadline, resources", () => {
    const j = job();
    const pod = podOf(j);
    expect(j.spec.activeDeadlineSeconds).toBe(86400);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 5000,
      runAsGroup: 5000,
      fsGroup: 5000,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    });
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext, c.name).toEqual({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
      });
      expect(Object.keys(c.resources).sort(), c.name).toEqual(["limits", "requests"]);
      expect(c.env, c.name).toBeUndefined();
    }
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } });
    expect(j.spec.template.metadata.labels[K8S.labelRole]).toBe("migration");
  });

  it("is an Indexed Job: one completion per pair, bounded parallelism, retries per mailbox, refusals not retried", () => {
    const j = job({ parallelism: 8 });
    expect(j.spec).toMatchObject({
      completionMode: "Indexed",
      completions: 2,
      parallelism: 2,
      backoffLimitPerIndex: 2,
      maxFailedIndexes: 1,
      podReplacementPolicy: "Failed",
      podFailurePolicy: {
        rules: [
          { action: "FailIndex", onExitCodes: { containerName: "migrate", operator: "In", values: [3] } },
          { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
        ],
      },
    });
    expect(j.spec.backoffLimit).toBeUndefined();
    expect(job({ pairs: 40 }).spec.parallelism).toBe(FIXTURE_MIGRATION.parallelism);
    expect(j.metadata.annotations).toMatchObject({ [PAIRING_DIGEST_ANNOTATION]: pairingDigest(pairings), [K8S.annotationPhase]: "copying" });
  });

  it("mounts each credential of the Secret as its own file, no config file", () => {
    const source = podOf(job()).volumes.find((v: Obj) => v.name === "oxmig").projected.sources[1];
    expect(source).toEqual({ secret: { name: "imapc", items: IMAPC_SECRET_KEYS.map((key) => ({ key, path: `secret/${key}`, mode: 0o440 })) } });
  });

  it("runs the configured image in both containers, pinned by digest when one is set", () => {
    const digest = `dovecot/dovecot:2.3.21@sha256:${"ab".repeat(32)}`;
    const pod = podOf(job({ settings: { ...FIXTURE_MIGRATION, image: digest } }));
    expect([pod.initContainers[0].image, pod.containers[0].image]).toEqual([digest, digest]);
  });
});
