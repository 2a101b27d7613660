import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { displayNameMatchesDirectory } from "../../policies/rules/display-name-matches-directory";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { attrs, config, expectNone, expectViolation, FIXTURES, oxUser, run, UNKNOWN_STRING, USER_ATTRIBUTES } from "./helpers";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "oxmig-display-name-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("display-name-matches-directory", () => {
  it("accepts the directory's and Exchange's names, also with other whitespace or Unicode composition", async () => {
    expectNone(await run(displayNameMatchesDirectory, buildResources()));
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.displayName = " Maria  Mu\u0308ller ";
    expectNone(await run(displayNameMatchesDirectory, plan));
  });
  it("rejects another person's name on a personal mailbox", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.displayName = "Jan Schmidt";
    expectViolation(
      await run(displayNameMatchesDirectory, plan),
      "mailbox maria.mueller@fa-luebeck.example (owner mmueller)",
      `display name "Jan Schmidt" differs from the directory displayName of directory uid mmueller`,
      `"Maria Müller"`,
    );
  });
  it("rejects a shared mailbox named unlike its Exchange DisplayName", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.poststelle).props.displayName = "Poststelle Kiel";
    expectViolation(
      await run(displayNameMatchesDirectory, plan),
      "mailbox poststelle@fa-luebeck.example",
      "differs from the Exchange DisplayName of Exchange mailbox poststelle@fa-luebeck.example",
      `"Poststelle Lübeck"`,
    );
  });
  it("name change after marriage: the new directory name passes, the old one is rejected", async () => {
    const ldif = fs.readFileSync(path.join(FIXTURES, "directory.ldif"), "utf8").replace("displayName: Maria Müller", "displayName: Maria Schmidt-Müller");
    const directory = path.join(tmp, "directory.ldif");
    fs.writeFileSync(directory, ldif);
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.displayName = "Maria Schmidt-Müller";
    expectNone(await run(displayNameMatchesDirectory, plan, config({ directory })));
    expectViolation(
      await run(displayNameMatchesDirectory, buildResources(), config({ directory })),
      "mailbox maria.mueller@fa-luebeck.example",
      `display name "Maria Müller" differs`,
    );
  });
  it("leaves an owner missing from the directory to owner-in-directory, and reads a missing name as empty", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.userAttributes["oxmig/owner-id"] = "00000000-0000-4000-8000-00000000dead";
    delete oxUser(plan, IDS.jan).props.displayName;
    const violations = await run(displayNameMatchesDirectory, plan);
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringContaining(`mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): display name "" differs`),
    ]);
  });
  it("fails closed on a display name unknown at preview", async () => {
    const plan = buildResources(undefined, { withSecrets: false });
    oxUser(plan, IDS.jan).props.displayName = UNKNOWN_STRING;
    expectViolation(await run(displayNameMatchesDirectory, plan), "mailbox jan.schmidt@fa-luebeck.example", "OX user displayName is unknown at preview");
  });
  it("names the rule, says what it checks and is mandatory", () => {
    expect(displayNameMatchesDirectory.name).toBe("display-name-matches-directory");
    expect(displayNameMatchesDirectory.description).toMatch(/^Checks whether each OX user's display name is the directory displayName of its owner/);
    expect(displayNameMatchesDirectory.enforcementLevel).toBe("mandatory");
  });
  it("rejects a name run together: whitespace is collapsed, not removed", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.maria).props.displayName = "MariaMüller";
    expectViolation(
      await run(displayNameMatchesDirectory, plan),
      "mailbox maria.mueller@fa-luebeck.example (owner mmueller)",
      `display name "MariaMüller" differs`,
    );
  });
  it("names a shared mailbox after its Exchange source even when it carries an owner id", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.poststelle))[USER_ATTRIBUTES.ownerId] = IDS.maria;
    expectNone(await run(displayNameMatchesDirectory, plan));
  });
  it("does not fall back to the Exchange name of a personal mailbox whose owner is missing", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.ownerId] = "00000000-0000-4000-8000-00000000dead";
    oxUser(plan, IDS.maria).props.displayName = "Somebody Else";
    expectNone(await run(displayNameMatchesDirectory, plan));
  });
  it("fails closed on user attributes unknown at preview", async () => {
    const plan = buildResources(undefined, { withSecrets: false });
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.ownerId] = UNKNOWN_STRING;
    expectViolation(await run(displayNameMatchesDirectory, plan), "mailbox jan.schmidt@fa-luebeck.example", "OX user userAttributes", "is unknown at preview");
  });
});
