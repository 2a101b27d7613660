// Exact messages and edge branches of the per-resource identity rules.
import { describe, expect, it } from "vitest";
import { contextMatchesOrganisation } from "../../policies/rules/context-matches-organisation";
import { ownerInDirectory } from "../../policies/rules/owner-in-directory";
import { sourceBelongsToOwner } from "../../policies/rules/source-belongs-to-owner";
import { sourceMatchStrength } from "../../policies/rules/source-match-strength";
import { CONTEXT_EXCEPTION } from "../../policies/support/resources";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { CSV, LDIF } from "./files";
import { attrs, config, oxUser, run, USER_ATTRIBUTES } from "./helpers";

const MISSING = "00000000-0000-4000-8000-0000000000ff";
const messages = async (...args: Parameters<typeof run>) => (await run(...args)).map((v) => v.message);
const person = (uid: string, id: string, ou: string, line: number) => `directory uid ${uid} (id ${id}, ou ${ou}, ${LDIF} line ${line})`;

describe("owner-in-directory messages", () => {
  it("an OX name of another person reported without naming whose it is", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.name = "JSchmidt";
    expect(await messages(ownerInDirectory, plan)).toEqual([
      `mailbox maria.mueller@fa-luebeck.example (owner mmueller): OX name "JSchmidt" differs from the owner's uid: owner id ${IDS.maria} is ${person("mmueller", IDS.maria, "luebeck", 4)}; the name belongs to ${person("jschmidt", IDS.jan, "luebeck", 15)} and ${person("jschmidt", IDS.julia, "kiel", 23)}`,
    ]);
  });
  it("a missing OX name passes or names a holder", async () => {
    const plan = buildResources();
    delete oxUser(plan, IDS.maria).props.name;
    expect(await messages(ownerInDirectory, plan)).toEqual([
      `mailbox maria.mueller@fa-luebeck.example (owner mmueller): OX name "undefined" differs from the owner's uid: owner id ${IDS.maria} is ${person("mmueller", IDS.maria, "luebeck", 4)}`,
    ]);
  });
  it("a missing kind or an owner on a room reported vaguely", async () => {
    const plan = buildResources();
    delete attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.kind];
    attrs(oxUser(plan, IDS.raum))[USER_ATTRIBUTES.ownerId] = IDS.petra;
    expect(await messages(ownerInDirectory, plan)).toEqual([
      `mailbox maria.mueller@fa-luebeck.example (owner mmueller): userAttributes["oxmig/kind"] is "", expected one of personal, shared, room, equipment`,
      `mailbox raum-101@fa-kiel.example (owner room-raum101): a room mailbox must not carry an owner id (found ${IDS.petra}); it belongs to no person`,
    ]);
  });
  it("an equipment mailbox taken for an unknown kind", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.raum))[USER_ATTRIBUTES.kind] = "equipment";
    expect(await messages(ownerInDirectory, plan)).toEqual([]);
  });
});

describe("source-belongs-to-owner messages", () => {
  it("a source or owner that cannot be found reported without the declared value", async () => {
    const plan = buildResources();
    delete attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.sourceGuid];
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = MISSING;
    delete attrs(oxUser(plan, IDS.petra))[USER_ATTRIBUTES.ownerId];
    expect(await messages(sourceBelongsToOwner, plan)).toEqual([
      `mailbox maria.mueller@fa-luebeck.example (owner mmueller): userAttributes["oxmig/source-exchange-guid"] (missing) is not an ExchangeGuid in ${CSV}`,
      `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): source cannot be checked: owner id ${MISSING} is not in ${LDIF}`,
      `mailbox petra.koch@fa-kiel.example (owner pkoch): source cannot be checked: owner id (none) is not in ${LDIF}`,
    ]);
  });
});

describe("source-match-strength", () => {
  it("is an advisory check named like the pack's other policies", () => {
    expect(sourceMatchStrength.name).toBe("source-match-strength");
    expect(sourceMatchStrength.enforcementLevel).toBe("advisory");
    expect(sourceMatchStrength.description).toMatch(/^Checks whether .*objectGUID.*\.$/);
  });
  it("a functional mailbox or a mailbox without source crashes or is listed", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.sourceGuid] = MISSING;
    attrs(oxUser(plan, IDS.poststelle))[USER_ATTRIBUTES.ownerId] = IDS.maria;
    attrs(oxUser(plan, IDS.poststelle))[USER_ATTRIBUTES.sourceGuid] = "e0000000-0000-4000-8000-000000000001";
    delete attrs(oxUser(plan, IDS.raum))[USER_ATTRIBUTES.kind];
    expect(await messages(sourceMatchStrength, plan)).toEqual([
      `mailbox maria.mueller@fa-luebeck.example (owner mmueller): weak source match: matched by address maria.mueller@fa-luebeck.example and UPN mmueller@corp.example only (the directory carries no objectGUID for ${person("mmueller", IDS.maria, "luebeck", 4)})`,
    ]);
  });
});

describe("context-matches-organisation messages", () => {
  it("an organisation served by several contexts names only one, or the other organisation's", async () => {
    const cfg = config({ contextOrganisations: { "hl-a": "luebeck", "ki-a": "kiel", "hl-b": "luebeck" } });
    const plan = buildResources().filter((r) => r.name === `oxuser-${IDS.jan}`);
    expect(await messages(contextMatchesOrganisation, plan, cfg)).toEqual([
      `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): context "luebeck" does not serve the owner's organisation: ${person("jschmidt", IDS.jan, "luebeck", 15)} belongs in context hl-a or hl-b (declare userAttributes["${CONTEXT_EXCEPTION}"] with a reason if intended)`,
    ]);
    oxUser(plan, IDS.jan).props.contextName = "hl-b";
    expect(await messages(contextMatchesOrganisation, plan, cfg)).toEqual([]);
  });
  it("a blank exception accepted as a reason", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.contextName = "kiel";
    attrs(oxUser(plan, IDS.maria))[CONTEXT_EXCEPTION] = "  ";
    expect(await messages(contextMatchesOrganisation, plan)).toHaveLength(1);
  });
  it("an owner missing from the directory passes unchecked", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = MISSING;
    delete attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.ownerId];
    expect(await messages(contextMatchesOrganisation, plan)).toEqual([
      `mailbox maria.mueller@fa-luebeck.example (owner mmueller): context cannot be checked: owner id (none) is not in ${LDIF}`,
      `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): context cannot be checked: owner id ${MISSING} is not in ${LDIF}`,
    ]);
  });
});
