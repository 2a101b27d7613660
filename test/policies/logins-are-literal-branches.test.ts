// Branches of logins-are-literal the main scenarios do not reach: exact fail-closed messages, -A/-F
// next to a literal -u, doveadm commands that are no dsync, OX users without an address.
import { describe, expect, it } from "vitest";
import { K8S } from "../../core/contract";
import { LIFECYCLE_DATA_KEY, lifecycleOf } from "../../core/lifecycle";
import { renderMigrationScript } from "../../core/migration-script";
import type { Pairing } from "../../core/contract";
import { loginsAreLiteral } from "../../policies/rules/logins-are-literal";
import { buildResources, IDS, type ResourceRecord } from "../fixtures/policies/plan";
import { expectNone, expectViolation, oxUser, record, run, UNKNOWN_STRING } from "./helpers";

function planWithScripts(options: { withSecrets?: boolean } = {}): ResourceRecord[] {
  const plan = buildResources(undefined, options);
  for (const wave of ["w01", "w02"]) {
    const data = record(plan, `pairings-${wave}`).props.data as Record<string, string>;
    data["migrate.sh"] = renderMigrationScript({ wave, phase: "copying", pairings: JSON.parse(data[K8S.pairingsDataKey]!) as Pairing[] });
    data[LIFECYCLE_DATA_KEY] = JSON.stringify(lifecycleOf({ name: wave, phase: "copying" }));
  }
  return plan;
}
const data = (plan: ResourceRecord[], wave: string) => record(plan, `pairings-${wave}`).props.data as Record<string, string>;
const messages = async (plan: ResourceRecord[]) => (await run(loginsAreLiteral, plan)).map((v) => v.message);
const editScript = (plan: ResourceRecord[], from: string | RegExp, to: string) => {
  const script = data(plan, "w01");
  const next = script["migrate.sh"]!.replace(from, to);
  expect(next).not.toBe(script["migrate.sh"]);
  script["migrate.sh"] = next;
};

describe("logins-are-literal branches", () => {
  it("registered under a name or description that does not say what it checks", () => {
    expect(loginsAreLiteral.name).toBe("logins-are-literal");
    expect(loginsAreLiteral.enforcementLevel).toBe("mandatory");
    expect(loginsAreLiteral.description).toMatch(/^Checks whether every target login .* user mask\.$/);
  });

  it("an unknown OX name and an unknown or unreadable userdb index: exactly one fail-closed message each", async () => {
    const plan = planWithScripts({ withSecrets: false });
    oxUser(plan, IDS.jan).props.name = UNKNOWN_STRING;
    record(plan, "userdb-kiel").props.metadata.annotations[K8S.annotationUserdbIndex] = UNKNOWN_STRING;
    record(plan, "userdb-luebeck").props.metadata.annotations[K8S.annotationUserdbIndex] = "[{";
    expect(await messages(plan)).toEqual([
      "mailbox jan.schmidt@fa-luebeck.example: OX user name is unknown at preview; binding-critical values must be known",
      expect.stringMatching(/^userdb userdb-luebeck: logins cannot be checked: metadata\.annotations\["oxmig\.example\/userdb-index"\] is not valid JSON \(/),
      'userdb userdb-kiel: logins cannot be checked: metadata.annotations["oxmig.example/userdb-index"] is unknown at preview; binding-critical values must be known',
    ]);
  });

  it("an unreadable pairings.json adds no target-login finding of its own", async () => {
    const plan = planWithScripts();
    data(plan, "w01")[K8S.pairingsDataKey] = "[{";
    expect((await messages(plan)).filter((m) => !m.includes("wave w01"))).toEqual([]);
  });

  it("an OX user without primary address or mailbox id is still checked, and its mask named", async () => {
    const plan = planWithScripts();
    delete oxUser(plan, IDS.raum).props.primaryEmail;
    delete oxUser(plan, IDS.raum).props.userAttributes["oxmig/mailbox-id"];
    Object.assign(oxUser(plan, IDS.raum).props, { name: "room-raum101*" });
    expectViolation(await run(loginsAreLiteral, plan), 'OX name "room-raum101*" is not a literal login');
  });

  it("a second OX user claiming a mailbox id without an address does not take the mailbox's name away", async () => {
    const plan = planWithScripts();
    const copy = structuredClone(oxUser(plan, IDS.jan));
    delete copy.props.primaryEmail;
    plan.push({ ...copy, name: "oxuser-jan-copy" });
    editScript(plan, /'-u' 'jschmidt'/, "'-u' 'j*'");
    expectViolation(
      await run(loginsAreLiteral, plan),
      "mailbox jan.schmidt@fa-luebeck.example (owner j*)",
      'migrate.sh doveadm backup -u "j*" is not a literal login',
    );
  });

  it.each([
    ["selects all users with -A next to a literal -u", "'-A' '-u' 'jschmidt'"],
    ["reads users from a file with -F next to a literal -u", "'-F' '/tmp/users' '-u' 'jschmidt'"],
  ])("a pair line that %s", async (_what, to) => {
    const plan = planWithScripts();
    editScript(plan, /'-u' 'jschmidt'/, to);
    expect(await messages(plan)).toEqual([
      `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): migrate.sh runs doveadm backup for mailbox ${IDS.jan} without exactly one literal -u login (-A or -F select many users)`,
    ]);
  });

  it("a doveadm command that is no dsync is not judged by its -u", async () => {
    const plan = planWithScripts();
    editScript(plan, /'backup' '-R' '-s' '' '-u' 'jschmidt' 'imapc:'/, "'index' '-u' 'j*' 'INBOX'");
    expectNone(await run(loginsAreLiteral, plan));
  });
});
