// staging-without-production-domains: a staging stack routes no address, login or pairing in a production domain; with the
// exact messages and edge branches.
import { describe, expect, it } from "vitest";
import { K8S, type Pairing, type UserdbIndexEntry } from "@oxmig/core/contract";
import { stagingWithoutProductionDomains } from "../../policies/rules/staging-without-production-domains";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { config, editJson, expectNone, expectViolation, oxUser, record, run, UNKNOWN_STRING } from "./helpers";

const messages = async (plan: ReturnType<typeof buildResources>, productionDomains: string[], stackKind = "staging") =>
  (await run(stagingWithoutProductionDomains, plan, config({ productionDomains, stackKind }))).map((v) => v.message);
const ROUTE = "a staging stack must never route production mail";

describe("staging-without-production-domains", () => {
  const cfg = config({ productionDomains: ["fa-kiel.example"] });
  it("accepts a staging plan without production domains", async () => {
    expectNone(await run(stagingWithoutProductionDomains, buildResources(), config({ productionDomains: ["prod.example"] })));
  });
  it("rejects OX user addresses in a production domain", async () => {
    expectViolation(
      await run(stagingWithoutProductionDomains, buildResources(), cfg),
      "mailbox petra.koch@fa-kiel.example",
      "primaryEmail petra.koch@fa-kiel.example uses the production domain fa-kiel.example",
    );
  });
  it("rejects subdomains and pairing logins in a production domain", async () => {
    const plan = buildResources();
    editJson<Pairing>(record(plan, "pairings-w01").props.data, K8S.pairingsDataKey, (t) => {
      t[0] = { ...t[0]!, sourceLogin: "mmueller@eu.corp.example" };
    });
    expectViolation(
      await run(stagingWithoutProductionDomains, plan, config({ productionDomains: ["corp.example"] })),
      "sourceLogin mmueller@eu.corp.example uses the production domain corp.example",
    );
  });
  it("does not apply to prod stacks", async () => {
    expectNone(await run(stagingWithoutProductionDomains, buildResources(), { ...cfg, stackKind: "prod" }));
  });
  it("a production address in one field hides the others, or is reported for the wrong mailbox", async () => {
    const plan = buildResources().filter((r) => r.name === `oxuser-${IDS.petra}`);
    expect(await messages(plan, ["FA-Kiel.example"])).toEqual([
      `mailbox petra.koch@fa-kiel.example (owner pkoch): OX user: primaryEmail petra.koch@fa-kiel.example uses the production domain fa-kiel.example; ${ROUTE}`,
      `mailbox petra.koch@fa-kiel.example (owner pkoch): OX user: email1 petra.koch@fa-kiel.example uses the production domain fa-kiel.example; ${ROUTE}`,
      `mailbox petra.koch@fa-kiel.example (owner pkoch): OX user: defaultSenderAddress petra.koch@fa-kiel.example uses the production domain fa-kiel.example; ${ROUTE}`,
      `mailbox petra.koch@fa-kiel.example (owner pkoch): OX user: aliases[0] poststelle-kiel@fa-kiel.example uses the production domain fa-kiel.example; ${ROUTE}`,
    ]);
  });
  it("a domain that merely ends like a production domain taken for it", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.raum).props.aliases = ["raum@notfa-kiel.example", "raum@sub.fa-kiel.example.org", "fa-kiel.example"];
    expect(await messages([oxUser(plan, IDS.raum)], ["fa-kiel.example"])).toEqual([
      `mailbox raum-101@fa-kiel.example (owner room-raum101): OX user: primaryEmail raum-101@fa-kiel.example uses the production domain fa-kiel.example; ${ROUTE}`,
      `mailbox raum-101@fa-kiel.example (owner room-raum101): OX user: email1 raum-101@fa-kiel.example uses the production domain fa-kiel.example; ${ROUTE}`,
      `mailbox raum-101@fa-kiel.example (owner room-raum101): OX user: defaultSenderAddress raum-101@fa-kiel.example uses the production domain fa-kiel.example; ${ROUTE}`,
    ]);
  });
  it("an internationalised production domain missed in Unicode or punycode form", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.raum).props.aliases = ["raum@Bücher.example", "raum@xn--bcher-kva.example"];
    const hits = await messages([oxUser(plan, IDS.raum)], ["bücher.example"]);
    expect(hits).toEqual([
      `mailbox raum-101@fa-kiel.example (owner room-raum101): OX user: aliases[0] raum@Bücher.example uses the production domain xn--bcher-kva.example; ${ROUTE}`,
      `mailbox raum-101@fa-kiel.example (owner room-raum101): OX user: aliases[1] raum@xn--bcher-kva.example uses the production domain xn--bcher-kva.example; ${ROUTE}`,
    ]);
    expect(await messages([oxUser(plan, IDS.raum)], ["xn--bcher-kva.example"])).toHaveLength(2);
  });
  it("an address whose domain is not valid IDN compared in the wrong case", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.raum).props.aliases = ["raum@Bad_Domain..Example"];
    expect(await messages([oxUser(plan, IDS.raum)], ["bad_domain..example"])).toEqual([
      `mailbox raum-101@fa-kiel.example (owner room-raum101): OX user: aliases[0] raum@Bad_Domain..Example uses the production domain bad_domain..example; ${ROUTE}`,
    ]);
  });
  it("a userdb login in a production domain missed", async () => {
    const plan = buildResources();
    editJson<UserdbIndexEntry>(record(plan, "userdb-luebeck").props.metadata.annotations, K8S.annotationUserdbIndex, (ix) => {
      ix[0] = { ...ix[0]!, login: "jschmidt@fa-luebeck.example" };
    });
    expect(await messages([record(plan, "userdb-luebeck")], ["fa-luebeck.example"])).toEqual([
      `mailbox ${IDS.jan} (owner jschmidt@fa-luebeck.example): userdb userdb-luebeck: login jschmidt@fa-luebeck.example uses the production domain fa-luebeck.example; ${ROUTE}`,
    ]);
  });
  it("an unknown userdb index or pairing table passes a staging stack", async () => {
    const plan = buildResources();
    record(plan, "userdb-kiel").props.metadata.annotations[K8S.annotationUserdbIndex] = UNKNOWN_STRING;
    record(plan, "pairings-w02").props.data[K8S.pairingsDataKey] = UNKNOWN_STRING;
    expect(await messages([record(plan, "userdb-kiel"), record(plan, "pairings-w02")], ["prod.example"])).toEqual([
      `userdb userdb-kiel: metadata.annotations["${K8S.annotationUserdbIndex}"] is unknown at preview; binding-critical values must be known`,
      `pairing table pairings-w02: data["${K8S.pairingsDataKey}"] is unknown at preview; binding-critical values must be known`,
    ]);
  });
  it("a pairing's target login in a production domain missed", async () => {
    const plan = buildResources();
    editJson<Pairing>(record(plan, "pairings-w02").props.data, K8S.pairingsDataKey, (t) => {
      t[0] = { ...t[0]!, targetLogin: "pkoch@fa-kiel.example" };
    });
    expect(await messages([record(plan, "pairings-w02")], ["fa-kiel.example"])).toEqual([
      `mailbox ${IDS.petra} (owner pkoch@fa-kiel.example): pairing table pairings-w02: targetLogin pkoch@fa-kiel.example uses the production domain fa-kiel.example; ${ROUTE}`,
    ]);
  });
  it("checks run without production domains, or in prod", async () => {
    const plan = buildResources();
    record(plan, "userdb-kiel").props.metadata.annotations[K8S.annotationUserdbIndex] = UNKNOWN_STRING;
    expect(await messages(plan, [])).toEqual([]);
    expect(await messages(plan, ["fa-kiel.example"], "prod")).toEqual([]);
  });
  it("other Secrets and ConfigMaps read as userdbs or pairing tables", async () => {
    const other = [
      { type: record(buildResources(), "userdb-kiel").type, name: "tls-cert", props: { stringData: { login: "x@fa-kiel.example" } }, protect: false },
      { type: record(buildResources(), "pairings-w02").type, name: "settings", props: { data: { login: "x@fa-kiel.example" } }, protect: false },
    ];
    expect(await messages(other, ["fa-kiel.example"])).toEqual([]);
  });
});
