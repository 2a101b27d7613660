// How the pack reads the Job's route from `doveadm -u` to a home: the auth sidecar, the Dovecot
// configuration, base_dir and the userdb Secret (core/migration-auth.ts, through readExecutedMigration).
import { describe, expect, it } from "vitest";
import { TYPES } from "@oxmig/core/contract";
import { readExecutedMigration } from "@oxmig/core/executed-migration";
import { sameValue } from "@oxmig/core/migration-auth";
import { declaredConfigMap } from "@oxmig/core/pod-files";
import { homeFor } from "@oxmig/core/ids";
import { FIXTURE_MAILBOXES, IDS, type ResourceRecord } from "../fixtures/policies/plan";
import { configMapOf, executedPlan, jobOf } from "../policies/executed-migration-fixtures";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function read(records: readonly ResourceRecord[], wave = "w01") {
  const maps = records.filter((r) => r.type === TYPES.configMap).map((r) => declaredConfigMap(r.props, r.name));
  const job = jobOf(records, wave);
  return readExecutedMigration({ name: job.name, props: job.props }, maps, (v) => v === UNKNOWN);
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixtures are edited freely
const pod = (records: ResourceRecord[]): Obj => jobOf(records, "w01").props.spec.template.spec;
const sidecar = (records: ResourceRecord[]): Obj => pod(records).initContainers[0];
const migrate = (records: ResourceRecord[]): Obj => pod(records).containers[0];
const volume = (records: ResourceRecord[], name: string): Obj => pod(records).volumes.find((v: Obj) => v.name === name);
const problems = (records: ResourceRecord[]) => read(records).problems.join("\n");
const maria = homeFor(IDS.maria, "/var/vmail");

describe("the migration Job's auth sidecar and storage, as the pack reads them", () => {
  it("the rendered Job: -u resolves through key passwd of the wave's context's userdb, homes land in the mail PVC", () => {
    const reading = read(executedPlan());
    expect(reading.problems).toEqual([]);
    expect(reading.userdb).toEqual({ name: "userdb-luebeck", key: "passwd" });
    expect(reading.storageAt("migrate", maria)).toEqual({ storage: { claim: "dovecot-mail", mountPath: "/var/vmail" } });
    expect(read(executedPlan(), "w02").userdb).toEqual({ name: "userdb-kiel", key: "passwd" });
  });

  it("a Job that mounts another context's userdb is read as such (the rule then rejects it)", () => {
    const records = executedPlan();
    volume(records, "dovecot-auth").projected.sources[1].secret.name = "userdb-kiel";
    const reading = read(records);
    expect(reading.problems).toEqual([]);
    expect(reading.userdb).toEqual({ name: "userdb-kiel", key: "passwd" });
  });

  it("a plain Secret volume over the userdb path: every key at its own name, so the key is the file name", () => {
    const records = executedPlan();
    pod(records).volumes.push({ name: "other", secret: { secretName: "userdb-kiel" } });
    sidecar(records).volumeMounts.push({ name: "other", mountPath: "/etc/dovecot/userdb", subPath: "passwd" });
    expect(read(records).userdb).toEqual({ name: "userdb-kiel", key: "passwd" });
  });

  it("fails closed on every other way to answer or change the lookup", () => {
    const cases: [string, (r: ResourceRecord[]) => void, RegExp][] = [
      ["no sidecar", (r) => void (pod(r).initContainers = []), /0 containers run the auth sidecar/],
      ["two sidecars", (r) => void pod(r).initContainers.push(structuredClone(sidecar(r))), /2 containers run the auth sidecar/],
      ["sidecar as a regular container", (r) => void pod(r).containers.push(pod(r).initContainers.pop()), /not as a native sidecar/],
      ["sidecar without restartPolicy Always", (r) => void delete sidecar(r).restartPolicy, /not as a native sidecar/],
      [
        "a config line added",
        (r) => void (configMapOf(r, "w01").props.data["dovecot.conf"] += "auth_username_format = jschmidt\n"),
        /not the rendered Dovecot configuration/,
      ],
      [
        "a config with root",
        (r) => void (configMapOf(r, "w01").props.data["dovecot.conf"] = configMapOf(r, "w01").props.data["dovecot.conf"].replaceAll("5000", "0")),
        /not the rendered Dovecot configuration/,
      ],
      [
        "the config from another key",
        (r) => void (volume(r, "dovecot-conf").configMap.items[0].key = "doveadm.conf"),
        /container migrate reads \/etc\/dovecot\/dovecot.conf from ConfigMap pairings-w01 key doveadm.conf/,
      ],
      [
        "the config from the image",
        (r) => void (migrate(r).volumeMounts = migrate(r).volumeMounts.filter((m: Obj) => m.name !== "dovecot-conf")),
        /file of the image/,
      ],
      ["base_dir on the mail PVC", (r) => void (migrate(r).volumeMounts.find((m: Obj) => m.name === "dovecot-run").name = "mail"), /not in a whole emptyDir/],
      [
        "base_dir in another emptyDir",
        (r) => void (pod(r).volumes.push({ name: "run2", emptyDir: {} }), (migrate(r).volumeMounts.find((m: Obj) => m.name === "dovecot-run").name = "run2")),
        /volume "run2", not the auth sidecar's "dovecot-run"/,
      ],
      [
        "the userdb from a ConfigMap",
        (r) =>
          void (volume(r, "dovecot-auth").projected.sources[1] = { configMap: { name: "pairings-w01", items: [{ key: "pairings.json", path: "userdb" }] } }),
        /comes from a configMap, not a Secret/,
      ],
      ["the userdb Secret without items", (r) => void delete volume(r, "dovecot-auth").projected.sources[1].secret.items, /secret source without items/],
      ["an unknown userdb Secret name", (r) => void (volume(r, "dovecot-auth").projected.sources[1].secret.name = UNKNOWN), /unknown at preview/],
      [
        "a postStart hook",
        (r) => void (migrate(r).lifecycle = { postStart: { exec: { command: ["doveadm", "backup"] } } }),
        /container migrate declares lifecycle/,
      ],
      ["a readiness probe", (r) => void (sidecar(r).readinessProbe = { exec: { command: ["true"] } }), /container dovecot-auth declares readinessProbe/],
      [
        "another startup probe",
        (r) => void (sidecar(r).startupProbe.exec.command = ["/bin/sh", "-c", "doveadm backup -u x imapc:"]),
        /startupProbe that is not the auth sidecar's rendered one/,
      ],
      [
        "a startup probe on the migration container",
        (r) => void (migrate(r).startupProbe = structuredClone(sidecar(r).startupProbe)),
        /container migrate declares a startupProbe/,
      ],
      ["environment on the sidecar", (r) => void (sidecar(r).env = [{ name: "PATH", value: "/tmp" }]), /container dovecot-auth sets environment variables/],
    ];
    for (const [name, edit, problem] of cases) {
      const records = executedPlan();
      edit(records);
      expect(problems(records), name).toMatch(problem);
    }
  });

  it("a home mounted through a subPath, or on no PVC, cannot be told to land in its own directory", () => {
    const records = executedPlan();
    migrate(records).volumeMounts.push({ name: "mail", mountPath: `/var/vmail/${IDS.maria.slice(0, 2)}/${IDS.maria}`, subPath: `3f/${IDS.jan}` });
    expect(read(records).storageAt("migrate", maria).problem).toMatch(/with subPath "3f\/3f25c0de-2222.*can put one home onto another's directory/);
    const noPvc = executedPlan();
    migrate(noPvc).volumeMounts.find((m: Obj) => m.name === "mail").name = "tmp";
    expect(read(noPvc).storageAt("migrate", maria).problem).toMatch(/lands in volume "tmp" .*not a PersistentVolumeClaim/);
    const none = executedPlan();
    migrate(none).volumeMounts = migrate(none).volumeMounts.filter((m: Obj) => m.name !== "mail");
    expect(read(none).storageAt("migrate", maria).problem).toMatch(/not on a mounted volume/);
    expect(read(executedPlan()).storageAt("dovecot-auth", maria).problem).toMatch(/not on a mounted volume/);
    expect(read(executedPlan()).storageAt("nobody", maria).problem).toBe("the Job has no container nobody");
  });

  it("a Job without doveadm runs needs no sidecar (nothing resolves a login)", () => {
    const records = executedPlan(FIXTURE_MAILBOXES.filter((m) => m.wave === "w01"));
    const data = configMapOf(records, "w01").props.data;
    // An empty table, and a Job of as many indexes (none), so only the sidecar question is left.
    data["migrate.sh"] = data["migrate.sh"]
      .split("\n")
      .filter((l: string) => !l.startsWith("pair "))
      .join("\n")
      .replace(/^expected=\d+$/m, "expected=0");
    data["pairings.json"] = "[]";
    jobOf(records, "w01").props.spec.completions = 0;
    pod(records).initContainers = [];
    expect(read(records).problems).toEqual([]);
  });

  it("compares declared values whatever their key order", () => {
    expect(sameValue({ a: [1, { b: 2, c: 3 }] }, { a: [1, { c: 3, b: 2 }] })).toBe(true);
    expect(sameValue({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameValue([1], { 0: 1 })).toBe(false);
    expect(sameValue({ a: 1 }, null)).toBe(false);
  });
});
