import { describe, expect, it } from "vitest";
import { readDoveadmRun, readExecutedMigration } from "@oxmig/core/executed-migration";
import { shellQuote } from "@oxmig/core/migration-script";
import { declaredConfigMap } from "@oxmig/core/pod-files";
import { TYPES } from "@oxmig/core/contract";
import { FIXTURE_MAILBOXES, IDS, type ResourceRecord } from "../fixtures/policies/plan";
import { addSecondSource, configMapOf, containerOf, crossSources, executedPlan, jobOf, pairArgv } from "../policies/executed-migration-fixtures";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const isUnknown = (v: unknown) => v === UNKNOWN;

function read(records: readonly ResourceRecord[], wave = "w01") {
  const maps = records.filter((r) => r.type === TYPES.configMap).map((r) => declaredConfigMap(r.props, r.name));
  const job = jobOf(records, wave);
  return readExecutedMigration({ name: job.name, props: job.props }, maps, isUnknown);
}

const triples = (runs: ReturnType<typeof read>["runs"]) => runs.map((r) => [r.mailboxId, r.sourceLogin, r.targetLogin]);
const script = (records: ResourceRecord[]) => configMapOf(records, "w01").props.data;

describe("the migration as executed", () => {
  it("reads the rendered Job: one run per pair line, source and target as rendered, no problems", () => {
    const reading = read(executedPlan());
    expect(reading.problems).toEqual([]);
    expect(reading.runs.every((r) => r.problems.length === 0)).toBe(true);
    expect(triples(reading.runs)).toEqual(FIXTURE_MAILBOXES.filter((m) => m.wave === "w01").map((m) => [m.id, m.sourceUpn, m.login]));
    expect(reading.runs.map((r) => r.origin)).toEqual(
      reading.runs.map((_, i) => expect.stringMatching(new RegExp(`^ConfigMap pairings-w01 key migrate\\.sh line \\d+, Job index ${i}$`))),
    );
  });

  it("crossed pair lines: each line copies the other person's source, whatever pairings.json says", () => {
    const records = executedPlan();
    script(records)["migrate.sh"] = crossSources(script(records)["migrate.sh"], IDS.maria, IDS.jan);
    const reading = read(records);
    expect(reading.problems).toEqual([]);
    expect(triples(reading.runs).slice(0, 2)).toEqual([
      [IDS.maria, "jschmidt@corp.example", "mmueller"],
      [IDS.jan, "mmueller@corp.example", "jschmidt"],
    ]);
  });

  it("a repeated -o imapc_user: the last one wins, as in doveadm", () => {
    const records = executedPlan();
    script(records)["migrate.sh"] = addSecondSource(script(records)["migrate.sh"], IDS.maria, "jschmidt@corp.example");
    expect(triples(read(records).runs)[0]).toEqual([IDS.maria, "jschmidt@corp.example", "mmueller"]);
  });

  it("a repeated -u: the last one wins; a pattern or other -o settings are problems", () => {
    const base = ["doveadm", "-c", "/etc/oxmig/doveadm.conf", "-o", "imapc_user=a@corp.example", "backup", "-R", "-s", "", "-u", "mmueller"];
    expect(readDoveadmRun([...base, "-u", "jschmidt", "imapc:"])).toEqual({ sourceLogin: "a@corp.example", targetLogin: "jschmidt", problems: [] });
    expect(readDoveadmRun([...base.slice(0, 5), "-o", "imapc_master_user=other", ...base.slice(5), "imapc:"]).problems.join()).toMatch(
      /sets -o imapc_master_user/,
    );
    expect(readDoveadmRun([...base.slice(0, 9), "-u", "j*", "imapc:"]).problems.join()).toMatch(/user pattern/);
    expect(readDoveadmRun(["/etc/oxmig/doveadm", ...base.slice(1), "imapc:"]).problems.join()).toMatch(/runs "\/etc\/oxmig\/doveadm", not doveadm/);
    expect(readDoveadmRun([...base.slice(0, 9), "-A", "imapc:"]).problems.join()).toMatch(/-A/);
    expect(readDoveadmRun([...base.slice(0, 3), "-o", "imapc_user", "backup", "-R", "-u", "x", "imapc:"]).problems.join()).toMatch(/lacks "="/);
    expect(
      readDoveadmRun(["doveadm", "-c", "/etc/oxmig/doveadm.conf", "-o", "imapc_user=a", "import", "-u", "x", "imapc:", "", "all"]).problems.join(),
    ).toMatch(/doveadm import/);
  });

  it("an inline /bin/sh -c command: its doveadm runs are read and the Job is a problem", () => {
    const records = executedPlan();
    const argv = pairArgv(script(records)["migrate.sh"], IDS.maria).map((w) =>
      w === "imapc_user=mmueller@corp.example" ? "imapc_user=jschmidt@corp.example" : w,
    );
    Object.assign(containerOf(records, "w01"), { command: ["/bin/sh", "-c", `set -e; ${argv.map(shellQuote).join(" ")}`] });
    let reading = read(records);
    expect(triples(reading.runs)).toEqual([[undefined, "jschmidt@corp.example", "mmueller"]]);
    expect(reading.problems.join("\n")).toMatch(/runs "set -e", which is neither the rendered script nor a doveadm command/);
    Object.assign(containerOf(records, "w01"), { command: ["/bin/sh"], args: ["-c", `${argv.map(shellQuote).join(" ")} -x 'it'\\''s; a' && exit 0`] });
    reading = read(records);
    expect(triples(reading.runs)).toEqual([[undefined, "jschmidt@corp.example", "mmueller"]]);
    expect(reading.runs[0]!.origin).toBe("an inline command of container migrate");
    expect(reading.problems.join("\n")).toMatch(/not \["\/bin\/sh", "\/etc\/oxmig\/migrate\.sh"\]/);
    // The quoted "; " stays inside its word; only "exit 0" is a command of its own.
    expect(reading.problems.filter((p) => p.includes("inline command that cannot be read"))).toEqual([]);
    expect(reading.problems.join("\n")).toMatch(/runs "exit 0", which is neither/);
  });

  it("a ConfigMap items remap: the file at migrate.sh is another key, read as such and a problem", () => {
    const records = executedPlan();
    const data = script(records);
    data["fixed.sh"] = crossSources(data["migrate.sh"], IDS.maria, IDS.jan);
    const items = [
      ["fixed.sh", "migrate.sh"],
      ["doveadm.conf", "doveadm.conf"],
      ["pairings.json", "pairings.json"],
    ].map(([key, path]) => ({ key, path }));
    jobOf(records, "w01").props.spec.template.spec.volumes[0].projected.sources[0].configMap.items = items;
    const reading = read(records);
    expect(triples(reading.runs).slice(0, 2)).toEqual([
      [IDS.maria, "jschmidt@corp.example", "mmueller"],
      [IDS.jan, "mmueller@corp.example", "jschmidt"],
    ]);
    expect(reading.runs[0]!.origin).toMatch(/key fixed\.sh/);
    expect(reading.problems.join("\n")).toMatch(/key fixed\.sh of ConfigMap pairings-w01\), not/);
  });

  it("a single file mounted over migrate.sh with subPath: the deeper mount is what sh reads", () => {
    const records = executedPlan();
    script(records)["fixed.sh"] = crossSources(script(records)["migrate.sh"], IDS.maria, IDS.jan);
    (containerOf(records, "w01").volumeMounts as unknown[]).push({ name: "oxmig", mountPath: "/etc/oxmig/migrate.sh", subPath: "fixed.sh" });
    const reading = read(records);
    expect(triples(reading.runs)[0]).toEqual([IDS.maria, "jschmidt@corp.example", "mmueller"]);
    expect(reading.problems.join("\n")).toMatch(/key fixed\.sh of ConfigMap pairings-w01/);
  });

  it("a command pointing at another file of the mount", () => {
    const records = executedPlan();
    script(records)["run.sh"] = script(records)["migrate.sh"];
    Object.assign(containerOf(records, "w01"), { command: ["/bin/sh", "/etc/oxmig/run.sh"] });
    expect(read(records).problems.join("\n")).toMatch(/key run\.sh of ConfigMap pairings-w01/);
  });

  it("refuses every doveadm.conf but the rendered one: no include of another file, no setting beside the credential values", () => {
    const edits: [string, (conf: string) => string][] = [
      ["an include of a file the stack does not render", (c) => `${c}!include /etc/oxmig/secret/imapc.conf\n`],
      ["an optional include", (c) => `${c}!include_try /etc/oxmig/extra.conf\n`],
      [
        "the password file included instead of read as a value",
        (c) => c.replace("imapc_password = </etc/oxmig/secret/imapc_password", "!include /etc/oxmig/secret/imapc_password"),
      ],
      ["a credential read from another file", (c) => c.replace("</etc/oxmig/secret/imapc_password", "</etc/oxmig/pairings.json")],
      ["a mail_location", (c) => c.replace("imapc_features", "mail_location = maildir:/var/vmail/elsewhere\nimapc_features")],
      ["cleartext to a remote source", (c) => c.replace("imapc_ssl = imaps\nssl_client_ca_dir = /etc/ssl/certs", "imapc_ssl = no")],
    ];
    for (const [name, edit] of edits) {
      const records = executedPlan();
      script(records)["doveadm.conf"] = edit(script(records)["doveadm.conf"]);
      expect(read(records).problems, name).toContain(
        "ConfigMap pairings-w01 key doveadm.conf is not the rendered doveadm config (it decides where doveadm writes and which source it reads)",
      );
    }
    const other = executedPlan();
    script(other)["doveadm.conf"] = script(other)["doveadm.conf"].replace("imapc_port = 993", "imapc_port = 1993");
    expect(read(other).problems).toEqual([]);
  });

  it("fails closed on what it cannot read", () => {
    const cases: [string, (r: ResourceRecord[]) => void, RegExp][] = [
      ["unknown command", (r) => void (containerOf(r, "w01").command = [UNKNOWN]), /unknown at preview/],
      [
        "unknown ConfigMap name",
        (r) => void (jobOf(r, "w01").props.spec.template.spec.volumes[0].projected.sources[0].configMap.name = UNKNOWN),
        /unknown at preview/,
      ],
      ["unknown script", (r) => void (script(r)["migrate.sh"] = UNKNOWN), /unknown at preview/],
      ["no command", (r) => void delete containerOf(r, "w01").command, /image's entrypoint/],
      [
        "script from an emptyDir",
        (r) => void (jobOf(r, "w01").props.spec.template.spec.volumes[0] = { name: "oxmig", emptyDir: {} }),
        /emptyDir, not a ConfigMap/,
      ],
      ["script from the image", (r) => void (containerOf(r, "w01").command = ["/bin/sh", "/usr/local/bin/migrate.sh"]), /file of the image/],
      [
        "a line outside the template",
        (r) => void (script(r)["migrate.sh"] = script(r)["migrate.sh"].replace("set -u", "set -u\nalias doveadm=true")),
        /not a script this project renders/,
      ],
      [
        "a pair line inside the function",
        (r) => void (script(r)["migrate.sh"] = script(r)["migrate.sh"].replace("  shift 3", `  shift 3\npair 'x' 'y' 'fresh' 'doveadm'`)),
        /not a script this project renders/,
      ],
      [
        "shell expansion in a pair line",
        (r) => void (script(r)["migrate.sh"] = script(r)["migrate.sh"].replace("'imapc:'", "$(echo imapc:)")),
        /outside quotes/,
      ],
      ["$(VAR) in the command", (r) => void (containerOf(r, "w01").command = ["/bin/sh", "$(SCRIPT)"]), /environment values/],
      [
        "another mailbox's state file",
        (r) =>
          void (script(r)["migrate.sh"] = script(r)["migrate.sh"].replace(
            `'/var/lib/oxmig/state/${IDS.maria}.state'`,
            `'/var/lib/oxmig/state/${IDS.jan}.state'`,
          )),
        /keeps its state in \/var\/lib\/oxmig\/state\/3f25c0de/,
      ],
      ["environment", (r) => void (containerOf(r, "w01").env = [{ name: "PATH", value: "/etc/oxmig:/usr/bin" }]), /sets environment variables/],
      [
        "a sidecar",
        (r) => void jobOf(r, "w01").props.spec.template.spec.containers.push({ name: "side", command: ["sleep", "1"] }),
        /container side runs "sleep 1"/,
      ],
    ];
    for (const [name, edit, problem] of cases) {
      const records = executedPlan();
      edit(records);
      const reading = read(records);
      expect([...reading.problems, ...reading.runs.flatMap((r) => r.problems)].join("\n"), name).toMatch(problem);
    }
  });
});
