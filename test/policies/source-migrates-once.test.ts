// source-migrates-once: each Exchange source backs one mailbox and appears in exactly one pairing, which feeds that mailbox.
import { describe, expect, it } from "vitest";
import { K8S, type Pairing } from "@oxmig/core/contract";
import { sourceMigratesOnce } from "../../policies/rules/source-migrates-once";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { attrs, editJson, expectNone, expectViolation, messagesOf, oxUser, record, run, UNKNOWN_AT_PREVIEW, UNKNOWN_STRING, USER_ATTRIBUTES } from "./helpers";

describe("source-migrates-once", () => {
  it("accepts each source paired once and backing one mailbox", async () => {
    expectNone(await run(sourceMigratesOnce, buildResources()));
  });
  it("rejects one source backing two mailboxes", async () => {
    const plan = buildResources();
    attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.sourceGuid] = attrs(oxUser(plan, IDS.maria))[USER_ATTRIBUTES.sourceGuid]!;
    expectViolation(await run(sourceMigratesOnce, plan), "backs 2 mailboxes");
  });
  it("rejects a source paired in two waves", async () => {
    const plan = buildResources();
    const extra = JSON.parse(record(plan, "pairings-w01").props.data[K8S.pairingsDataKey])[0];
    editJson<Pairing>(record(plan, "pairings-w02").props.data, K8S.pairingsDataKey, (t) => t.push(extra));
    expectViolation(await run(sourceMigratesOnce, plan), "appears in 2 pairings", "pairings-w01", "pairings-w02");
  });
  it("rejects a pairing that feeds a different mailbox", async () => {
    const plan = buildResources();
    editJson<Pairing>(record(plan, "pairings-w01").props.data, K8S.pairingsDataKey, (t) => {
      t[0] = { ...t[0]!, mailboxId: IDS.jan };
    });
    expectViolation(await run(sourceMigratesOnce, plan), `is paired to mailbox ${IDS.jan}`);
  });
  it("rejects a mailbox whose source is never paired, and a pairing nobody declares", async () => {
    const plan = buildResources();
    editJson<Pairing>(record(plan, "pairings-w02").props.data, K8S.pairingsDataKey, (t) => {
      t[1] = { ...t[1]!, sourceExchangeGuid: "e0000000-0000-4000-8000-000000000005" };
    });
    const violations = await run(sourceMigratesOnce, plan);
    expectViolation(violations, "mailbox raum-101@fa-kiel.example", "appears in 0 pairings");
    expectViolation(violations, "e0000000-0000-4000-8000-000000000005, which no OX user declares");
  });
  it("fails closed on an unknown pairing table", async () => {
    const plan = buildResources();
    record(plan, "pairings-w01").props.data[K8S.pairingsDataKey] = UNKNOWN_STRING;
    expectViolation(await run(sourceMigratesOnce, plan), `data["pairings.json"] is unknown at preview`);
  });
  describe("a doubly used or unpaired source reported vaguely, or a broken pairing table let through", () => {
    it("a broken pairing table passes, or hides the sources it should pair", async () => {
      const plan = buildResources();
      record(plan, "pairings-w02").props.data[K8S.pairingsDataKey] = "not json";
      record(plan, "pairings-w01").props.metadata.labels[K8S.labelWave] = UNKNOWN_STRING;
      const found = await messagesOf(sourceMigratesOnce, plan);
      expect(found.slice(0, 2)).toEqual([
        `pairing table pairings-w01: metadata.labels.${K8S.labelWave} ${UNKNOWN_AT_PREVIEW}`,
        expect.stringMatching(/^pairing table pairings-w02: data\["pairings.json"\] is not valid JSON \(.+\)$/),
      ]);
      expect(found.slice(2)).toEqual([
        `mailbox petra.koch@fa-kiel.example (owner pkoch): source ExchangeGuid e0000000-0000-4000-8000-000000000004 appears in 0 pairings; expected exactly one`,
        `mailbox raum-101@fa-kiel.example (owner room-raum101): source ExchangeGuid ${IDS.raum} appears in 0 pairings; expected exactly one`,
      ]);
    });
    it("a doubly used, doubly paired source reported without naming both", async () => {
      const plan = buildResources();
      const guid = "e0000000-0000-4000-8000-000000000001";
      attrs(oxUser(plan, IDS.jan))[USER_ATTRIBUTES.sourceGuid] = guid.toUpperCase();
      editJson<Pairing>(record(plan, "pairings-w01").props.data, K8S.pairingsDataKey, (t) => {
        t[1] = { ...t[1]!, sourceExchangeGuid: guid };
      });
      const backs = `source ExchangeGuid ${guid} backs 2 mailboxes: maria.mueller@fa-luebeck.example, jan.schmidt@fa-luebeck.example`;
      const pairs = `source ExchangeGuid ${guid} appears in 2 pairings: pairings-w01 (mailbox ${IDS.maria}), pairings-w01 (mailbox ${IDS.jan}); expected exactly one`;
      expect(await messagesOf(sourceMigratesOnce, plan)).toEqual([
        `mailbox maria.mueller@fa-luebeck.example (owner mmueller): ${backs}`,
        `mailbox maria.mueller@fa-luebeck.example (owner mmueller): ${pairs}`,
        `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): ${backs}`,
        `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): ${pairs}`,
      ]);
    });
    it("a mailbox without a declared source crashes the rule", async () => {
      const plan = buildResources();
      delete attrs(oxUser(plan, IDS.raum))[USER_ATTRIBUTES.sourceGuid];
      expect(await messagesOf(sourceMigratesOnce, plan)).toEqual([
        `mailbox ${IDS.raum} (owner room-raum101): pairing in pairings-w02 migrates source ExchangeGuid ${IDS.raum}, which no OX user declares as its source`,
      ]);
    });
  });
});
