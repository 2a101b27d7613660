import { describe, expect, it } from "vitest";
import { InputError } from "@oxmig/core/errors";
import { indexSettings, MIGRATION_DEFAULTS, migrationSettingsFrom, readMigrationSettings, type RawMigrationSettings } from "../../infra/migration-settings";

const raw = (over: Partial<RawMigrationSettings> = {}): RawMigrationSettings => ({ migrationImage: "dovecot/dovecot:2.3.21", ...MIGRATION_DEFAULTS, ...over });
const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

/** The InputError's message for these settings (stack staging). */
function refused(over: Partial<RawMigrationSettings>): string {
  try {
    migrationSettingsFrom(raw(over), "staging");
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error("accepted");
}

describe("the migration Job's settings", () => {
  it("the defaults: the image by tag, storage owner 5000, resources, a day's deadline, IMAPS to any address", () => {
    expect(migrationSettingsFrom(raw(), "staging")).toEqual({
      image: "dovecot/dovecot:2.3.21",
      mailStorageClaim: "dovecot-mail",
      mailAccount: { user: "vmail", group: "vmail", uid: 5000, gid: 5000 },
      resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } },
      deadlineSeconds: 86400,
      sourceImapPort: 993,
      sourceImapCidrs: [],
      sourceImapTls: "imaps",
      parallelism: 4,
      retriesPerMailbox: 2,
      maxFailedPercent: 10,
    });
    expect(migrationSettingsFrom(raw({ migrationStateStorageClass: "cephfs" }), "staging").stateStorageClass).toBe("cephfs");
  });

  it("a wave's Job: parallelism from the plan or the stack, never more pods than pairs; a share of failed mailboxes, at least one", () => {
    const settings = migrationSettingsFrom(raw(), "staging");
    expect(indexSettings(settings, 200)).toEqual({ parallelism: 4, backoffLimitPerIndex: 2, maxFailedIndexes: 20 });
    expect(indexSettings(settings, 200, 12)).toEqual({ parallelism: 12, backoffLimitPerIndex: 2, maxFailedIndexes: 20 });
    expect(indexSettings(settings, 3, 12)).toEqual({ parallelism: 3, backoffLimitPerIndex: 2, maxFailedIndexes: 1 });
    expect(indexSettings({ ...settings, maxFailedPercent: 0 }, 3).maxFailedIndexes).toBe(0);
    expect(indexSettings({ ...settings, maxFailedPercent: 100 }, 3).maxFailedIndexes).toBe(3);
  });

  it("a digest pins the image: <image>@sha256:…", () => {
    expect(migrationSettingsFrom(raw({ migrationImageDigest: DIGEST }), "prod").image).toBe(`dovecot/dovecot:2.3.21@${DIGEST}`);
  });

  it("refuses each bad value, naming the stack file and the key", () => {
    expect(refused({ migrationImageDigest: "sha256:abc" })).toBe(
      'Pulumi.staging.yaml: config oxmig:migrationImageDigest: "sha256:abc" is not sha256:<64 lower-case hex digits>',
    );
    expect(refused({ migrationImageDigest: DIGEST.toUpperCase() })).toMatch(/oxmig:migrationImageDigest/);
    expect(refused({ migrationImage: `dovecot/dovecot@${DIGEST}` })).toMatch(/oxmig:migrationImage: .*already carries a digest/);
    expect(refused({ mailStorageClaim: "Mail_Storage" })).toMatch(/oxmig:mailStorageClaim: "Mail_Storage" is not a PersistentVolumeClaim name/);
    expect(refused({ mailUid: 0 })).toMatch(/oxmig:mailUid: 0 is not an id .*never root/);
    expect(refused({ mailGid: -1 })).toMatch(/oxmig:mailGid/);
    expect(refused({ mailUser: "root user" })).toMatch(/oxmig:mailUser/);
    expect(refused({ mailGroup: "" })).toMatch(/oxmig:mailGroup/);
    expect(refused({ migrationCpuRequest: "lots" })).toMatch(/oxmig:migrationCpuRequest: "lots" is not a positive Kubernetes quantity/);
    expect(refused({ migrationMemoryLimit: "0" })).toMatch(/oxmig:migrationMemoryLimit/);
    expect(refused({ migrationMemoryRequest: "4Gi", migrationMemoryLimit: "2Gi" })).toMatch(/oxmig:migrationMemoryRequest: 4Gi is more than the limit 2Gi/);
    expect(refused({ migrationCpuRequest: "2500m", migrationCpuLimit: "2" })).toMatch(/oxmig:migrationCpuRequest/);
    expect(refused({ migrationDeadlineSeconds: 1.5 })).toMatch(/oxmig:migrationDeadlineSeconds/);
    expect(refused({ sourceImapPort: 70000 })).toMatch(/oxmig:sourceImapPort: 70000 is not a TCP port/);
    expect(refused({ sourceImapCidrs: ["exchange.land.example"] })).toMatch(/oxmig:sourceImapCidrs: "exchange.land.example" is not an address\/prefix/);
    expect(refused({ sourceImapCidrs: ["192.0.2.10/33"] })).toMatch(/oxmig:sourceImapCidrs/);
    expect(refused({ sourceImapCidrs: ["192.0.2.10"] })).toMatch(/oxmig:sourceImapCidrs/);
    expect(refused({ sourceImapTls: "no" })).toBe('Pulumi.staging.yaml: config oxmig:sourceImapTls: "no" is not one of imaps, starttls');
    expect(refused({ migrationParallelism: 0 })).toBe(
      "Pulumi.staging.yaml: config oxmig:migrationParallelism: 0 is not a whole number of mailboxes from 1 to 100",
    );
    expect(refused({ migrationParallelism: 101 })).toMatch(/oxmig:migrationParallelism/);
    expect(refused({ migrationParallelism: 2.5 })).toMatch(/oxmig:migrationParallelism/);
    expect(refused({ migrationRetriesPerMailbox: -1 })).toMatch(/oxmig:migrationRetriesPerMailbox: -1 is not a whole number from 0 to 10/);
    expect(refused({ migrationMaxFailedPercent: 101 })).toMatch(/oxmig:migrationMaxFailedPercent: 101 is not a whole percentage/);
    expect(refused({ migrationStateStorageClass: "Fast Disks" })).toMatch(/oxmig:migrationStateStorageClass: "Fast Disks" is not a StorageClass name/);
  });

  it("accepts quantities in their usual forms and IPv4 and IPv6 CIDRs", () => {
    const ok = migrationSettingsFrom(
      raw({
        migrationCpuRequest: "0.5",
        migrationCpuLimit: "1500m",
        migrationMemoryRequest: "1G",
        migrationMemoryLimit: "1Gi",
        sourceImapCidrs: ["192.0.2.10/32", "2001:db8::/64"],
      }),
      "staging",
    );
    expect(ok.sourceImapCidrs).toEqual(["192.0.2.10/32", "2001:db8::/64"]);
  });

  it("reads the stack config, defaults where a key is unset, and refuses a CIDR list that is no list", () => {
    const values: Record<string, unknown> = { mailUid: 1000, sourceImapCidrs: ["192.0.2.0/24"] };
    const config = {
      get: (k: string) => values[k] as string | undefined,
      getNumber: (k: string) => values[k] as number | undefined,
      getObject: <T>(k: string) => values[k] as T | undefined,
    };
    const settings = readMigrationSettings(config, "staging", "img:1");
    expect(settings.mailAccount.uid).toBe(1000);
    expect(settings.mailAccount.gid).toBe(5000);
    expect(settings.sourceImapCidrs).toEqual(["192.0.2.0/24"]);
    values["sourceImapCidrs"] = "192.0.2.0/24";
    expect(() => readMigrationSettings(config, "staging", "img:1")).toThrow("Pulumi.staging.yaml: config oxmig:sourceImapCidrs: is not a list of strings");
  });
});
