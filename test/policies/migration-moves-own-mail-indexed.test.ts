// migration-moves-own-mail on the Indexed Job: the rendered Jobs pass in every phase, and every
// declaration under which an index could run a pair other than pair i of the wave's table is rejected,
// naming the Job, the rule and (where one is written into) the mailbox.
import { describe, expect, it } from "vitest";
import { migrationMovesOwnMail } from "../../policies/rules/migration-moves-own-mail";
import { FIXTURE_MAILBOXES, IDS, type ResourceRecord } from "../fixtures/policies/plan";
import { configMapOf, containerOf, executedPlan, jobOf, pairLineIndex, renderedWave } from "./executed-migration-fixtures";
import { expectNone, expectViolation, run } from "./helpers";

const data = (records: ResourceRecord[]) => configMapOf(records, "w01").props.data as Record<string, string>;
const spec = (records: ResourceRecord[]) => jobOf(records, "w01").props.spec as Record<string, unknown>;
const check = (records: ResourceRecord[]) => run(migrationMovesOwnMail, records);
const JOB = "Job migrate-w01 of wave w01 (rule migration-moves-own-mail): the migration as executed cannot be checked, so the plan is rejected: ";

describe("migration-moves-own-mail on Indexed Jobs", () => {
  it("accepts the rendered Indexed Jobs in copying and at cut-over", async () => {
    expectNone(await check(executedPlan()));
    const w01 = FIXTURE_MAILBOXES.filter((m) => m.wave === "w01");
    expectNone(await check([...executedPlan().filter((r) => !r.name.endsWith("-w01")), ...renderedWave("w01", w01, "cut-over")]));
  });

  it("rejects a script whose index is offset (index i would run pair i+1)", async () => {
    const records = executedPlan();
    data(records)["migrate.sh"] = data(records)["migrate.sh"]!.replace("index=${JOB_COMPLETION_INDEX-}", "index=$((${JOB_COMPLETION_INDEX-} + 1))");
    const violations = await check(records);
    expectViolation(violations, JOB, 'migrate.sh is not a script this project renders for wave w01: line 8 is not the rendered preamble ("index=$((');
    expect(violations).toHaveLength(1);
  });

  it("rejects a container that sets JOB_COMPLETION_INDEX itself", async () => {
    const records = executedPlan();
    containerOf(records, "w01").env = [{ name: "JOB_COMPLETION_INDEX", value: "1" }];
    expectViolation(await check(records), JOB, "container migrate declares JOB_COMPLETION_INDEX itself");
  });

  it("rejects completions that skip a pair, naming the mailbox left out", async () => {
    const records = executedPlan();
    spec(records).completions = 2;
    expectViolation(await check(records), JOB, `spec.completions is 2, but the pairing table has 3 pairs: index 2 (mailbox ${IDS.poststelle}) would never run`);
  });

  it("rejects a Job that runs no pod, or no index at all (the single-loop Job)", async () => {
    const none = executedPlan();
    spec(none).parallelism = 0;
    expectViolation(await check(none), JOB, "spec.parallelism is 0: no pod would run");
    const loop = executedPlan();
    delete spec(loop).completionMode;
    spec(loop).completions = 1;
    const violations = await check(loop);
    expectViolation(violations, JOB, "spec.completionMode is");
    expectViolation(violations, JOB, "spec.completions is 1, but the pairing table has 3 pairs");
  });

  it("rejects a table reordered against pairings.json on the mailbox whose index it takes", async () => {
    const records = executedPlan();
    const lines = data(records)["migrate.sh"]!.split("\n");
    const [a, b] = [pairLineIndex(lines, IDS.maria), pairLineIndex(lines, IDS.jan)];
    [lines[a], lines[b]] = [lines[b]!, lines[a]!];
    data(records)["migrate.sh"] = lines.join("\n");
    const violations = await check(records);
    expectViolation(
      violations,
      "mailbox jan.schmidt@fa-luebeck.example (owner jschmidt)",
      `Job index 0 runs the pair line of mailbox id ${IDS.jan}, but entry 0 of pairings.json is mailbox id ${IDS.maria}`,
    );
    expect(violations).toHaveLength(2);
  });
});
