import { describe, it } from "vitest";
import { contextMatchesOrganisation } from "../../policies/rules/context-matches-organisation";
import { prodProtection } from "../../policies/rules/prod-protection";
import { stagingWithoutProductionDomains } from "../../policies/rules/staging-without-production-domains";
import { CONTEXT_EXCEPTION } from "../../policies/support/resources";
import { K8S, type Pairing } from "../../core/contract";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { attrs, config, editJson, expectNone, expectViolation, oxUser, record, run, USER_ATTRIBUTES } from "./helpers";

describe("context-matches-organisation", () => {
  it("accepts users in the context named after their owner's ou", async () => {
    expectNone(await run(contextMatchesOrganisation, buildResources()));
  });
  it("homonym in another organisation chosen as owner", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = IDS.julia;
    expectViolation(
      await run(contextMatchesOrganisation, plan),
      "mailbox jan.schmidt@fa-luebeck.example (owner jschmidt)",
      `context "luebeck" does not serve`,
      "ou kiel",
    );
  });
  it("accepts a declared context exception", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.contextName = "kiel";
    attrs(oxUser(plan, IDS.maria))[CONTEXT_EXCEPTION] = "works for the Kiel office since 2025";
    expectNone(await run(contextMatchesOrganisation, plan));
  });
  it("follows contextOrganisations from the config", async () => {
    const cfg = config({ contextOrganisations: { "ctx-hl": "luebeck" } });
    expectViolation(await run(contextMatchesOrganisation, buildResources(), cfg), "belongs in context ctx-hl");
  });
});

describe("prod-protection", () => {
  it("accepts protected keys and users in prod", async () => {
    expectNone(await run(prodProtection, buildResources(), config({ stackKind: "prod" })));
  });
  it("rejects an unprotected key in prod", async () => {
    const plan = buildResources();
    record(plan, `key-${IDS.maria}`).protect = false;
    expectViolation(await run(prodProtection, plan, config({ stackKind: "prod" })), `key key-${IDS.maria} must be declared with protect: true`);
  });
  it("rejects an unprotected OX user in prod but not in staging", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.raum).protect = false;
    expectViolation(await run(prodProtection, plan, config({ stackKind: "prod" })), "mailbox raum-101@fa-kiel.example", "protect: true");
    expectNone(await run(prodProtection, plan, config({ stackKind: "staging" })));
  });
});

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
});
