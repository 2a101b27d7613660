// Branches of userdb-passwd-matches-index the main scenarios do not reach: exact fail-closed messages,
// an unreadable index at preview, an empty home field, a key password shared by two of three logins.
import { describe, expect, it } from "vitest";
import { K8S } from "../../core/contract";
import { userdbPasswdMatchesIndex } from "../../policies/rules/userdb-passwd-matches-index";
import { buildResources, IDS, keyResultFor } from "../fixtures/policies/plan";
import { record, run, UNKNOWN_STRING } from "./helpers";

type Plan = ReturnType<typeof buildResources>;
const INDEX = `metadata.annotations["${K8S.annotationUserdbIndex}"]`;
const messages = async (plan: Plan) => (await run(userdbPasswdMatchesIndex, plan)).map((v) => v.message);
const edit = (plan: Plan, context: string, change: (text: string) => string) => {
  const data = record(plan, `userdb-${context}`).props.stringData;
  const next = change(data[K8S.userdbDataKey]);
  expect(next).not.toBe(data[K8S.userdbDataKey]);
  data[K8S.userdbDataKey] = next;
};

describe("userdb-passwd-matches-index branches", () => {
  it("registered under a name or description that does not say what it checks", () => {
    expect(userdbPasswdMatchesIndex.name).toBe("userdb-passwd-matches-index");
    expect(userdbPasswdMatchesIndex.enforcementLevel).toBe("mandatory");
    expect(userdbPasswdMatchesIndex.description).toMatch(/^Checks whether each userdb passwd-file line, read as Dovecot reads it, .*\.$/);
  });

  it("an index unknown at preview is named exactly once", async () => {
    const plan = buildResources();
    record(plan, "userdb-luebeck").props.metadata.annotations[K8S.annotationUserdbIndex] = UNKNOWN_STRING;
    expect(await messages(plan)).toEqual([`userdb userdb-luebeck: ${INDEX} is unknown at preview; binding-critical values must be known`]);
  });

  it("an index that is no JSON is rejected at preview too, when the passwd-file is not known yet", async () => {
    const plan = buildResources(undefined, { withSecrets: false });
    record(plan, "userdb-kiel").props.metadata.annotations[K8S.annotationUserdbIndex] = "[{";
    expect(await messages(plan)).toEqual([
      expect.stringMatching(/^userdb userdb-kiel: metadata\.annotations\["oxmig\.example\/userdb-index"\] is not valid JSON \(/),
    ]);
  });

  it("a passwd line with an empty home field says the home is empty", async () => {
    const plan = buildResources();
    edit(plan, "kiel", (t) => t.replace(/^(pkoch:[^:]*:[^:]*:[^:]*:[^:]*:)[^:]*/m, "$1"));
    const found = (await messages(plan)).filter((m) => m.includes("gives home"));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`passwd line 1 for "pkoch" gives home ""; the index says`);
  });

  it("a key password shared by two logins names those two only", async () => {
    const plan = buildResources();
    edit(plan, "luebeck", (t) => t.replace(keyResultFor(IDS.maria), keyResultFor(IDS.jan)));
    const shared = (await messages(plan)).filter((m) => m.includes("share one key password"));
    expect(shared).toHaveLength(2);
    expect(shared.every((m) => m.includes("logins jschmidt, mmueller share one key password"))).toBe(true);
    expect(shared.some((m) => m.includes("poststelle"))).toBe(false);
  });
});
