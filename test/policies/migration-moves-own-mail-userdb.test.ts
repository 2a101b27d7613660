// migration-moves-own-mail, the userdb and storage part: `doveadm -u <login>` writes with the home and
// key the Job's Dovecot finds for the login, so the Job must mount its target's own context's
// declared userdb, and each home must land in the mail storage mounted whole.
import { describe, it } from "vitest";
import { TYPES } from "../../core/contract";
import { migrationMovesOwnMail } from "../../policies/rules/migration-moves-own-mail";
import { FIXTURE_MAILBOXES, IDS, type ResourceRecord } from "../fixtures/policies/plan";
import { executedPlan, jobOf } from "./executed-migration-fixtures";
import { expectNone, expectViolation, run } from "./helpers";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixtures are edited freely
const check = (records: ResourceRecord[]) => run(migrationMovesOwnMail, records);
const pod = (records: ResourceRecord[], wave = "w01"): Obj => jobOf(records, wave).props.spec.template.spec;
const userdbSource = (records: ResourceRecord[], wave = "w01"): Obj =>
  pod(records, wave).volumes.find((v: Obj) => v.name === "dovecot-auth").projected.sources[1].secret;
const migrate = (records: ResourceRecord[]): Obj => pod(records).containers[0];
const MARIA = "mailbox maria.mueller@fa-luebeck.example (owner mmueller)";

describe("migration-moves-own-mail: the userdb and storage a Job resolves -u through", () => {
  it("accepts each wave's Job mounting its own context's userdb and the mail storage at the mail root", async () => {
    expectNone(await check(executedPlan()));
  });

  it("rejects a Job of a Lübeck wave that mounts the Kiel userdb: every target is named", async () => {
    const records = executedPlan();
    userdbSource(records).name = "userdb-kiel";
    const violations = await check(records);
    expectViolation(violations, MARIA, `resolves -u "mmueller" through userdb-kiel, the userdb of context kiel, but the target mailbox is in context luebeck`);
    expectViolation(violations, "mailbox poststelle@fa-luebeck.example", "the userdb of context kiel");
  });

  it("rejects a userdb Secret the stack does not declare (its passwd-file was never checked)", async () => {
    const records = executedPlan();
    userdbSource(records).name = "userdb-handmade";
    expectViolation(await check(records), MARIA, "through Secret userdb-handmade, which this stack does not declare");
  });

  it("rejects a declared Secret that is not a userdb, and another key of the userdb", async () => {
    const records = executedPlan();
    records.push({ type: TYPES.secret, name: "other", protect: false, props: { metadata: { name: "other" }, stringData: { passwd: "x" } } });
    userdbSource(records).name = "other";
    expectViolation(await check(records), MARIA, "Secret other, which is not a userdb Secret of this stack");
    const otherKey = executedPlan();
    userdbSource(otherKey).items[0].key = "old-passwd";
    expectViolation(await check(otherKey), MARIA, "key old-passwd of Secret userdb-luebeck, not its passwd-file");
  });

  it("rejects a target the mounted userdb has no entry for", async () => {
    const records = executedPlan();
    const secret = records.find((r) => r.name === "userdb-luebeck")!;
    const index = JSON.parse(secret.props.metadata.annotations["oxmig.example/userdb-index"]).filter((e: Obj) => e.login !== "jschmidt");
    secret.props.metadata.annotations["oxmig.example/userdb-index"] = JSON.stringify(index);
    expectViolation(await check(records), "mailbox jan.schmidt@fa-luebeck.example", "through userdb-luebeck, which has 0 entries for that login");
  });

  it("rejects a home mounted onto another person's directory through a subPath", async () => {
    const records = executedPlan();
    migrate(records).volumeMounts.push({ name: "mail", mountPath: `/var/vmail/0b/${IDS.maria}`, subPath: `3f/${IDS.jan}` });
    expectViolation(
      await check(records),
      MARIA,
      `home /var/vmail/0b/${IDS.maria} lands in PVC dovecot-mail through the mount at /var/vmail/0b/${IDS.maria} with subPath`,
    );
  });

  it("rejects a Job whose homes land in two storages", async () => {
    const records = executedPlan();
    pod(records).volumes.push({ name: "elsewhere", persistentVolumeClaim: { claimName: "other-mail" } });
    migrate(records).volumeMounts.push({ name: "elsewhere", mountPath: "/var/vmail/0b" });
    expectViolation(
      await check(records),
      "Job migrate-w01 of wave w01",
      "its homes land in 2 different mounts (PVC other-mail at /var/vmail/0b, PVC dovecot-mail at /var/vmail)",
    );
  });

  it("rejects a Job whose Dovecot cannot be read, for each mailbox it writes into", async () => {
    const records = executedPlan(FIXTURE_MAILBOXES);
    pod(records, "w02").initContainers = [];
    const violations = await check(records);
    expectViolation(violations, "Job migrate-w02 of wave w02", "0 containers run the auth sidecar");
    expectViolation(violations, "mailbox petra.koch@fa-kiel.example", "not exactly the rendered migration");
  });
});
