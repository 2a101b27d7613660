// The Indexed Job as the gate reads it: for every index i, which pair line its pod runs, compared with
// what sh really runs for JOB_COMPLETION_INDEX=i (a fake doveadm records the argv), and every way a
// declaration could make index i run another pair than pair i of the wave's pairing table.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TYPES } from "@oxmig/core/contract";
import { readExecutedMigration } from "@oxmig/core/executed-migration";
import { MIGRATION_PATHS } from "@oxmig/core/migration-script";
import { declaredConfigMap } from "@oxmig/core/pod-files";
import { readMigrationScript } from "@oxmig/core/script-reader";
import { FIXTURE_MAILBOXES, IDS, type ResourceRecord } from "../fixtures/policies/plan";
import { configMapOf, containerOf, executedPlan, jobOf, pairLineIndex } from "../policies/executed-migration-fixtures";

const W01 = FIXTURE_MAILBOXES.filter((m) => m.wave === "w01");

function read(records: readonly ResourceRecord[]) {
  const maps = records.filter((r) => r.type === TYPES.configMap).map((r) => declaredConfigMap(r.props, r.name));
  const job = jobOf(records, "w01");
  return readExecutedMigration({ name: job.name, props: job.props }, maps);
}
const data = (records: ResourceRecord[]) => configMapOf(records, "w01").props.data as Record<string, string>;
const spec = (records: ResourceRecord[]) => jobOf(records, "w01").props.spec as Record<string, unknown>;
const allProblems = (reading: ReturnType<typeof read>) => [...reading.problems, ...reading.runs.flatMap((r) => r.problems)].join("\n");

// A fake doveadm that prints its -u target (the last one), so sh's choice of pair is visible.
const FAKE_DOVEADM = `#!/bin/sh
target=
while [ $# -gt 0 ]; do [ "$1" = -u ] && target=$2; shift; done
printf '%s\\n' "$target" >> "$CALLS"
echo state
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "oxmig-indexed-"));
  writeFileSync(join(dir, "doveadm"), FAKE_DOVEADM);
  chmodSync(join(dir, "doveadm"), 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The target login sh's pod of each index hands doveadm (undefined: the pod ran no doveadm). */
function targetsRunBySh(script: string, indexes: number): (string | undefined)[] {
  const file = join(dir, `migrate-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, script.split(MIGRATION_PATHS.stateDir).join(mkdtempSync(join(dir, "state-"))));
  return Array.from({ length: indexes }, (_, i) => {
    const calls = join(dir, `calls-${i}-${Math.random().toString(36).slice(2)}`);
    writeFileSync(calls, "");
    spawnSync("/bin/sh", [file], { env: { PATH: `${dir}:/usr/bin:/bin`, CALLS: calls, JOB_COMPLETION_INDEX: String(i) }, encoding: "utf8" });
    const ran = readFileSync(calls, "utf8").split("\n").filter(Boolean);
    expect(ran.length, `index ${i} ran ${ran.length} doveadm runs`).toBeLessThanOrEqual(1);
    return ran[0];
  });
}

describe("the Indexed Job as the gate reads it", () => {
  it("the rendered Job: index i runs pair line i, which is entry i of pairings.json, exactly as sh runs it", () => {
    const records = executedPlan();
    const reading = read(records);
    expect(allProblems(reading)).toBe("");
    const table = JSON.parse(data(records)["pairings.json"]!) as { mailboxId: string; targetLogin: string }[];
    expect(reading.runs.map((r) => [r.index, r.mailboxId, r.targetLogin])).toEqual(table.map((p, i) => [i, p.mailboxId, p.targetLogin]));
    expect(table.map((p) => p.mailboxId)).toEqual(W01.map((m) => m.id));
    expect(targetsRunBySh(data(records)["migrate.sh"]!, W01.length)).toEqual(reading.runs.map((r) => r.targetLogin));
    expect(spec(records)).toMatchObject({ completionMode: "Indexed", completions: W01.length });
  });

  it("a wrong offset makes sh run pair i+1 for index i; the gate refuses the script", () => {
    const records = executedPlan();
    const shifted = data(records)["migrate.sh"]!.replace("index=${JOB_COMPLETION_INDEX-}", "index=$((${JOB_COMPLETION_INDEX-} + 1))");
    expect(targetsRunBySh(shifted, W01.length)).toEqual([...W01.slice(1).map((m) => m.login), undefined]);
    data(records)["migrate.sh"] = shifted;
    expect(allProblems(read(records))).toMatch(/is not a script this project renders for wave w01: line \d+ is not the rendered preamble \("index=\$\(\(/);
  });

  it("a script that loops over all pairs makes every pod copy every mailbox; the gate refuses it", () => {
    const records = executedPlan();
    const loop = data(records)["migrate.sh"]!.replace('if [ "$mode" = run ] && [ "$n" = "$index" ]; then', 'if [ "$mode" = run ]; then');
    expect(loop).not.toBe(data(records)["migrate.sh"]);
    data(records)["migrate.sh"] = loop;
    expect(allProblems(read(records))).toMatch(/is not a script this project renders for wave w01/);
  });

  it("a pair line outside the table shifts every index; the gate refuses it", () => {
    const records = executedPlan();
    const lines = data(records)["migrate.sh"]!.split("\n");
    const [moved] = lines.splice(pairLineIndex(lines, IDS.maria), 1);
    lines.splice(lines.indexOf("mode=run n=0 status=3") + 1, 0, moved!);
    data(records)["migrate.sh"] = lines.join("\n");
    expect(allProblems(read(records))).toMatch(/is not a script this project renders for wave w01: line \d+ is not the rendered epilogue/);
  });

  it("the lifecycle rules' reader refuses the moved pair line too, and reads the rendered table in index order", () => {
    const records = executedPlan();
    const rendered = data(records)["migrate.sh"]!;
    expect(readMigrationScript(rendered, "w01", "copying")).toMatchObject({
      problems: [],
      commands: W01.map((m) => expect.objectContaining({ mailboxId: m.id })),
    });
    const lines = rendered.split("\n");
    const [moved] = lines.splice(pairLineIndex(lines, IDS.maria), 1);
    lines.splice(lines.indexOf("mode=run n=0 status=3") + 1, 0, moved!);
    expect(readMigrationScript(lines.join("\n"), "w01", "copying").problems).toEqual([
      expect.stringMatching(/^line \d+: a pair line outside the pairing table would shift which pair each Job index runs$/),
    ]);
  });

  it("a reordered table next to the plan's pairings.json: index 0 would run Jan's pair, and oxmig status would name Maria", () => {
    const records = executedPlan();
    const lines = data(records)["migrate.sh"]!.split("\n");
    const [a, b] = [pairLineIndex(lines, IDS.maria), pairLineIndex(lines, IDS.jan)];
    [lines[a], lines[b]] = [lines[b]!, lines[a]!];
    data(records)["migrate.sh"] = lines.join("\n");
    const reading = read(records);
    expect(reading.runs[0]!.problems).toEqual([
      expect.stringMatching(
        new RegExp(`^Job index 0 runs the pair line of mailbox id ${IDS.jan}, but entry 0 of pairings.json is mailbox id ${IDS.maria} \\(mmueller\\)`),
      ),
    ]);
  });

  it("JOB_COMPLETION_INDEX declared by the container wins over the controller's; the gate refuses it", () => {
    const records = executedPlan();
    containerOf(records, "w01").env = [{ name: "JOB_COMPLETION_INDEX", value: "0" }];
    expect(read(records).problems).toContainEqual(
      expect.stringMatching(/^container migrate declares JOB_COMPLETION_INDEX itself; the Job controller then keeps that value/),
    );
  });

  it("completions other than the table's size, no parallelism, an early success, no index at all", () => {
    const cases: [string, (s: Record<string, unknown>) => void, RegExp][] = [
      [
        "fewer completions",
        (s) => (s.completions = 2),
        new RegExp(`^spec.completions is 2, but the pairing table has 3 pairs: index 2 \\(mailbox ${IDS.poststelle}\\) would never run$`),
      ],
      ["more completions", (s) => (s.completions = 4), /^spec.completions is 4, but the pairing table has 3 pairs: index 3 has no pair/],
      ["parallelism 0", (s) => (s.parallelism = 0), /^spec.parallelism is 0: no pod would run/],
      ["successPolicy", (s) => (s.successPolicy = { rules: [{ succeededCount: 1 }] }), /^spec.successPolicy is declared/],
      ["not Indexed", (s) => delete s.completionMode, /^spec.completionMode is "NonIndexed \(the default\)"/],
      ["replacement while terminating", (s) => (s.podReplacementPolicy = "TerminatingOrFailed"), /^spec.podReplacementPolicy is "TerminatingOrFailed"/],
    ];
    for (const [name, edit, problem] of cases) {
      const records = executedPlan();
      edit(spec(records));
      expect(read(records).problems, name).toContainEqual(expect.stringMatching(problem));
    }
  });

  it("a table of another size than pairings.json, and a pairings.json that cannot be read", () => {
    const records = executedPlan();
    data(records)["pairings.json"] = JSON.stringify(JSON.parse(data(records)["pairings.json"]!).slice(0, 2));
    const reading = read(records);
    expect(reading.problems).toContainEqual("pairings.json of ConfigMap pairings-w01 has 2 pairs, but migrate.sh's table 3");
    expect(reading.runs[2]!.problems).toEqual(["Job index 2 has no entry in pairings.json (2 pairs)"]);
    data(records)["pairings.json"] = "{}";
    expect(read(records).problems).toContainEqual(
      "which mailbox each index runs cannot be compared with the pairing table: pairings.json of ConfigMap pairings-w01 is not a list of pairs",
    );
  });

  it("two containers running the script: which table the indexes follow cannot be told", () => {
    const records = executedPlan();
    const pod = jobOf(records, "w01").props.spec.template.spec as { containers: Record<string, unknown>[] };
    pod.containers.push({ ...structuredClone(pod.containers[0]!), name: "migrate-again" });
    expect(read(records).problems).toContain("the Job runs 2 rendered scripts, so which pair each index runs cannot be told");
  });

  it("the table's size written into the script must be its line count", () => {
    const records = executedPlan();
    data(records)["migrate.sh"] = data(records)["migrate.sh"]!.replace(/^expected=3$/m, "expected=2");
    expect(allProblems(read(records))).toMatch(/line \d+ is not the rendered preamble \("expected=2"\)/);
  });
});
