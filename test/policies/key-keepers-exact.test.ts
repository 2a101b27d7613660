import { describe, expect, it } from "vitest";
import { keyKeepersExact } from "../../policies/rules/key-keepers-exact";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { expectNone, expectViolation, record, run, UNKNOWN_STRING } from "./helpers";

describe("key-keepers-exact", () => {
  it("accepts keys kept by the mailbox id alone (with and without secrets)", async () => {
    expectNone(await run(keyKeepersExact, buildResources()));
    expectNone(await run(keyKeepersExact, buildResources(undefined, { withSecrets: false })));
  });
  it("rejects an address kept next to the mailbox id: a new address would rotate the key", async () => {
    const plan = buildResources();
    record(plan, `key-${IDS.maria}`).props.keepers.address = "maria.mueller@fa-luebeck.example";
    expectViolation(
      await run(keyKeepersExact, plan),
      "mailbox maria.mueller@fa-luebeck.example (owner mmueller)",
      `key key-${IDS.maria} has keepers address besides mailboxId`,
    );
  });
  it("rejects a key kept by the login instead of the mailbox id", async () => {
    const plan = buildResources();
    record(plan, `key-${IDS.jan}`).props.keepers = { login: "jschmidt" };
    const violations = await run(keyKeepersExact, plan);
    expectViolation(violations, "mailbox jan.schmidt@fa-luebeck.example", "has keepers login besides mailboxId");
    expectViolation(violations, "mailbox jan.schmidt@fa-luebeck.example", "has no keepers.mailboxId");
  });
  it("names a key no mailbox uses by its keeper", async () => {
    const plan = buildResources();
    const key = record(plan, `key-${IDS.raum}`);
    key.name = "key-orphan";
    key.props.keepers.wave = "w02";
    expectViolation(await run(keyKeepersExact, plan), `mailbox ${IDS.raum}:`, "key key-orphan has keepers wave besides mailboxId");
  });
  it("fails closed on keepers unknown at preview", async () => {
    const plan = buildResources(undefined, { withSecrets: false });
    record(plan, `key-${IDS.petra}`).props.keepers = UNKNOWN_STRING;
    expectViolation(await run(keyKeepersExact, plan), "mailbox petra.koch@fa-kiel.example", `key key-${IDS.petra} keepers is unknown at preview`);
  });
  it("names the rule, says what it checks and is mandatory", () => {
    expect(keyKeepersExact.name).toBe("key-keepers-exact");
    expect(keyKeepersExact.description).toMatch(/^Checks whether each mailbox key's keepers are exactly its immutable mailbox id/);
    expect(keyKeepersExact.enforcementLevel).toBe("mandatory");
  });
  it("lists every extra keeper and why it orphans the mail", async () => {
    const plan = buildResources();
    Object.assign(record(plan, `key-${IDS.maria}`).props.keepers, { address: "maria.mueller@fa-luebeck.example", login: "mmueller" });
    expectViolation(
      await run(keyKeepersExact, plan),
      `key key-${IDS.maria} has keepers address, login besides mailboxId; a change of any of them would replace the key and orphan the mail encrypted with it`,
    );
  });
});
