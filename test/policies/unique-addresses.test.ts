// unique-addresses: every address (primary, aliases, compared normalised) routes to one mailbox of the stack.
import { describe, it } from "vitest";
import { uniqueAddresses } from "../../policies/rules/unique-addresses";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { expectNone, expectViolation, oxUser, run, UNKNOWN_STRING } from "./helpers";

describe("unique-addresses", () => {
  it("accepts a plan where every address routes to one mailbox", async () => {
    expectNone(await run(uniqueAddresses, buildResources()));
  });
  it("rejects an address routed to two mailboxes, compared normalised", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.raum).props.aliases = ["INFO@fa-luebeck.example"];
    expectViolation(
      await run(uniqueAddresses, plan),
      "address info@fa-luebeck.example routes to 2 mailboxes: poststelle@fa-luebeck.example, raum-101@fa-kiel.example",
    );
  });
  it("fails closed on an unknown address", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.raum).props.email1 = UNKNOWN_STRING;
    expectViolation(await run(uniqueAddresses, plan), "email1 is unknown at preview");
  });
});
