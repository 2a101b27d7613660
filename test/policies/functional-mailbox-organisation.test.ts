import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { functionalMailboxOrganisation } from "../../policies/rules/functional-mailbox-organisation";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { attrs, config, expectNone, expectViolation, FIXTURES, lockEntries, oxUser, run, UNKNOWN_STRING, USER_ATTRIBUTES, writeLock } from "./helpers";

const PETRA_AD = "5a5a0000-4444-4a44-8444-000000000004";
const POSTSTELLE_ROW = /^"Poststelle Lübeck".*$/m;
const temp = fs.mkdtempSync(path.join(os.tmpdir(), "oxmig-functional-org-"));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** The fixture Exchange export with the Poststelle row edited. */
function exchangeWith(name: string, edit: (row: string) => string): string {
  const text = fs.readFileSync(path.join(FIXTURES, "exchange.csv"), "utf8");
  const file = path.join(temp, `${name}.csv`);
  fs.writeFileSync(
    file,
    text.replace(POSTSTELLE_ROW, (row) => edit(row)),
  );
  return file;
}

describe("functional-mailbox-organisation", () => {
  it("accepts shared and room mailboxes in the contexts of their address domains' organisations", async () => {
    expectNone(await run(functionalMailboxOrganisation, buildResources()));
  });

  it("accepts a context mapped to the organisation in the pack config", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.poststelle).props.contextName = "hl";
    expectNone(await run(functionalMailboxOrganisation, plan, config({ contextOrganisations: { hl: "luebeck" } })));
  });

  it("rejects the Lübeck Poststelle moved into the Kiel context", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.poststelle).props.contextName = "kiel";
    expectViolation(
      await run(functionalMailboxOrganisation, plan),
      "mailbox poststelle@fa-luebeck.example",
      `context "kiel" does not serve organisation luebeck`,
      "primary address domain fa-luebeck.example",
    );
  });

  it("rejects a room mailbox moved into another organisation's context", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.raum).props.contextName = "luebeck";
    expectViolation(await run(functionalMailboxOrganisation, plan), "mailbox raum-101@fa-kiel.example", `context "luebeck" does not serve organisation kiel`);
  });

  it("takes the mailbox's own AD account in the directory as evidence", async () => {
    // Poststelle in a domain no person uses, owned by the AD account of a Kiel person.
    const exchange = exchangeWith("ad-only", (row) =>
      row.replaceAll("fa-luebeck.example", "post.example").replace(/"a0000000-0000-4000-8000-00000000000a"$/, `"${PETRA_AD}"`),
    );
    const plan = buildResources();
    expectViolation(
      await run(functionalMailboxOrganisation, plan, config({ exchange })),
      `does not serve organisation kiel`,
      `its AD account (Guid ${PETRA_AD}) is directory uid pkoch`,
    );
    oxUser(plan, IDS.poststelle).props.contextName = "kiel";
    expectNone(await run(functionalMailboxOrganisation, plan, config({ exchange })));
  });

  it("fails closed when the AD account and the address domain disagree", async () => {
    const exchange = exchangeWith("conflict", (row) => row.replace(/"a0000000-0000-4000-8000-00000000000a"$/, `"${PETRA_AD}"`));
    expectViolation(
      await run(functionalMailboxOrganisation, buildResources(), config({ exchange })),
      "cannot be established",
      "ou kiel",
      "used only by ou luebeck",
    );
  });

  it("fails closed when no person uses the primary domain and the AD account is unknown", async () => {
    const exchange = exchangeWith("no-evidence", (row) => row.replaceAll("fa-luebeck.example", "post.example"));
    expectViolation(
      await run(functionalMailboxOrganisation, buildResources(), config({ exchange })),
      "mailbox poststelle@fa-luebeck.example",
      "cannot be established",
      "no person there has an address in its primary domain post.example",
    );
  });

  it("fails closed when several organisations use the primary domain", async () => {
    const directory = path.join(temp, "shared-domain.ldif");
    fs.writeFileSync(
      directory,
      fs.readFileSync(path.join(FIXTURES, "directory.ldif"), "utf8").replace("mail: petra.koch@fa-kiel.example", "mail: petra.koch@fa-luebeck.example"),
    );
    expectViolation(
      await run(functionalMailboxOrganisation, buildResources(), config({ directory })),
      "mailbox poststelle@fa-luebeck.example",
      "fa-luebeck.example is used by several organisations (kiel, luebeck)",
    );
  });

  it("fails closed when the Exchange addresses lie in two organisations' domains", async () => {
    const exchange = exchangeWith("two-domains", (row) => row.replace("smtp:info@fa-luebeck.example", "smtp:info@fa-kiel.example"));
    expectViolation(await run(functionalMailboxOrganisation, buildResources(), config({ exchange })), "domains of different organisations");
  });

  it("fails closed on a source that is not in the Exchange export", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.poststelle))[USER_ATTRIBUTES.sourceGuid] = "e0000000-0000-4000-8000-0000000000ff";
    expectViolation(await run(functionalMailboxOrganisation, plan), "organisation cannot be checked", "is not in");
  });

  it("fails closed on a context unknown at preview", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.poststelle).props.contextName = UNKNOWN_STRING;
    expectViolation(await run(functionalMailboxOrganisation, plan), "contextName is unknown at preview");
  });

  it("names the rule, says what it checks and is mandatory", () => {
    expect(functionalMailboxOrganisation.name).toBe("functional-mailbox-organisation");
    expect(functionalMailboxOrganisation.description).toMatch(/^Checks whether each shared, room and equipment OX user/);
    expect(functionalMailboxOrganisation.enforcementLevel).toBe("mandatory");
  });

  it("rejects an equipment mailbox moved into another organisation's context", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.raum))[USER_ATTRIBUTES.kind] = "equipment";
    oxUser(plan, IDS.raum).props.contextName = "luebeck";
    expectViolation(
      await run(functionalMailboxOrganisation, plan),
      "mailbox raum-101@fa-kiel.example",
      `context "luebeck" does not serve organisation kiel of equipment mailbox`,
    );
  });

  it("takes an exception only as the lock approved it: the attribute alone is no review", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.poststelle).props.contextName = "kiel";
    attrs(oxUser(plan, IDS.poststelle))[USER_ATTRIBUTES.contextException] = "shared with Kiel until 2027";
    expectViolation(
      await run(functionalMailboxOrganisation, plan, config({ lock: writeLock(lockEntries()) })),
      "poststelle@fa-luebeck.example",
      'does not approve it there (locked context "luebeck")',
    );
    const approved = lockEntries().map((e) => (e.mailbox === IDS.poststelle ? { ...e, context: "kiel", contextException: "shared with Kiel until 2027" } : e));
    expectNone(await run(functionalMailboxOrganisation, plan, config({ lock: writeLock(approved) })));
  });

  it("does not take a blank contextException as a reason", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.poststelle).props.contextName = "kiel";
    attrs(oxUser(plan, IDS.poststelle))[USER_ATTRIBUTES.contextException] = "   ";
    expectViolation(
      await run(functionalMailboxOrganisation, plan),
      "mailbox poststelle@fa-luebeck.example",
      `context "kiel" does not serve organisation luebeck`,
    );
  });

  it("names every context serving the organisation and how to declare an exception", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.poststelle).props.contextName = "kiel";
    const violations = await run(functionalMailboxOrganisation, plan, config({ contextOrganisations: { hl: "luebeck", luebeck: "luebeck" } }));
    expectViolation(
      violations,
      `; it belongs in context hl or luebeck (declare userAttributes["${USER_ATTRIBUTES.contextException}"] with a reason if intended)`,
    );
  });

  it("names the source ExchangeGuid that is not in the export, or says there is none", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.poststelle))[USER_ATTRIBUTES.sourceGuid] = "e0000000-0000-4000-8000-0000000000ff";
    expectViolation(
      await run(functionalMailboxOrganisation, plan),
      "mailbox poststelle@fa-luebeck.example",
      "organisation cannot be checked: source ExchangeGuid e0000000-0000-4000-8000-0000000000ff is not in",
    );
    const none = buildResources();
    delete attrs(oxUser(none, IDS.poststelle))[USER_ATTRIBUTES.sourceGuid];
    expectViolation(
      await run(functionalMailboxOrganisation, none),
      "mailbox poststelle@fa-luebeck.example",
      "organisation cannot be checked: source ExchangeGuid (none) is not in",
    );
  });

  it("fails closed on user attributes unknown at preview, naming the OX user's field", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.poststelle))[USER_ATTRIBUTES.kind] = UNKNOWN_STRING;
    const violations = await run(functionalMailboxOrganisation, plan);
    expectViolation(violations, "mailbox poststelle@fa-luebeck.example", "OX user userAttributes", "is unknown at preview");
    const context = buildResources();
    oxUser(context, IDS.poststelle).props.contextName = UNKNOWN_STRING;
    expectViolation(await run(functionalMailboxOrganisation, context), "OX user contextName is unknown at preview");
  });

  it("lists each Exchange address with the organisation its domain belongs to when they disagree", async () => {
    const exchange = exchangeWith("two-domains-listed", (row) => row.replace("smtp:info@fa-luebeck.example", "smtp:info@fa-kiel.example"));
    expectViolation(
      await run(functionalMailboxOrganisation, buildResources(), config({ exchange })),
      "its Exchange addresses lie in domains of different organisations (poststelle@fa-luebeck.example → ou luebeck, info@fa-kiel.example → ou kiel)",
    );
  });

  it("accepts a mailbox whose AD account and address domain agree, and cites the AD account when it is moved", async () => {
    const text = fs.readFileSync(path.join(FIXTURES, "exchange.csv"), "utf8");
    const exchange = path.join(temp, "room-ad.csv");
    fs.writeFileSync(exchange, text.replace(/^("Raum 101".*)"a0000000-0000-4000-8000-00000000000b"$/m, `$1"${PETRA_AD}"`));
    expectNone(await run(functionalMailboxOrganisation, buildResources(), config({ exchange })));
    const plan = buildResources();
    oxUser(plan, IDS.raum).props.contextName = "luebeck";
    expectViolation(
      await run(functionalMailboxOrganisation, plan, config({ exchange })),
      "mailbox raum-101@fa-kiel.example",
      `does not serve organisation kiel`,
      `its AD account (Guid ${PETRA_AD}) is directory uid pkoch in ou kiel`,
    );
  });
});
