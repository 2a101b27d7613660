import { describe, expect, it } from "vitest";
import { toAddress } from "@oxmig/core/address";
import type { Person, SourceMailbox } from "@oxmig/core/model";
import { personLabel, sourceEvidence, sourceLabel } from "@oxmig/core/source-ownership";

const person = (uid: string, extra: Partial<Person> = {}): Person => ({
  dn: `uid=${uid},ou=im,dc=land,dc=example`,
  immutableId: `id-${uid}`,
  idSource: "entryUUID",
  uid,
  displayName: `Person ${uid}`,
  mail: toAddress(`${uid}@im.example`),
  aliases: [],
  ou: "im",
  disabled: false,
  line: 1,
  ...extra,
});
const source = (guid: string, primary: string, upn: string, ownerGuid: string, type: SourceMailbox["type"] = "UserMailbox"): SourceMailbox => ({
  line: 2,
  displayName: `Mailbox ${guid}`,
  alias: guid,
  samAccountName: guid,
  userPrincipalName: upn,
  primarySmtp: toAddress(primary),
  addresses: [toAddress(primary)],
  exchangeGuid: guid,
  type,
  ownerGuid,
});

describe("whose Exchange mailbox is this, by the exports", () => {
  it("the AD account owning the mailbox is its owner (strong), whatever the address says", () => {
    const anna = person("anna", { objectGuid: "ad-anna" });
    const ben = person("ben", { objectGuid: "ad-ben" });
    const s = source("g1", "ben@im.example", "ben@land.example", "ad-anna");
    const evidence = sourceEvidence([anna, ben], [s]);
    expect(evidence.ownerOf(s)).toEqual({ person: anna, strength: "strong" });
    expect(evidence.sourcesOf(anna)).toEqual([s]);
    expect(evidence.sourcesOf(ben)).toEqual([]);
  });

  it("without an objectGUID, address and UPN together tie a mailbox to a person (weak)", () => {
    const carla = person("carla");
    const s = source("g2", "carla@im.example", "Carla@land.example", "ad-unknown");
    expect(sourceEvidence([carla], [s]).ownerOf(s)).toEqual({ person: carla, strength: "weak" });
  });

  it("address alone, or UPN alone, ties nobody", () => {
    const carla = person("carla");
    const byAddress = source("g3", "carla@im.example", "someone@land.example", "ad-unknown");
    const byUpn = source("g4", "other@im.example", "carla@land.example", "ad-unknown");
    const evidence = sourceEvidence([carla], [byAddress, byUpn]);
    expect(evidence.ownerOf(byAddress)).toBeUndefined();
    expect(evidence.ownerOf(byUpn)).toBeUndefined();
  });

  it("a person with an objectGUID is never matched weakly to another account's mailbox", () => {
    const dora = person("dora", { objectGuid: "ad-dora" });
    const s = source("g5", "dora@im.example", "dora@land.example", "ad-someone-else");
    expect(sourceEvidence([dora], [s]).ownerOf(s)).toBeUndefined();
  });

  it("two people the weak evidence cannot tell apart: nobody", () => {
    const twins = [person("eva", { immutableId: "id-1" }), person("eva", { immutableId: "id-2", dn: "uid=eva,ou=fa" })];
    const s = source("g6", "eva@im.example", "eva@land.example", "ad-x");
    expect(sourceEvidence(twins, [s]).ownerOf(s)).toBeUndefined();
  });

  it("shared, room and equipment mailboxes belong to no person", () => {
    const frank = person("frank", { objectGuid: "ad-frank" });
    const s = source("g7", "poststelle@im.example", "poststelle@land.example", "ad-frank", "SharedMailbox");
    const evidence = sourceEvidence([frank], [s]);
    expect(evidence.ownerOf(s)).toBeUndefined();
    expect(sourceLabel(evidence, s)).toBe("Mailbox g7 <poststelle@im.example> (SharedMailbox, ExchangeGuid g7)");
  });

  it("labels name the person first: name, address, uid, organisation", () => {
    const anna = person("anna", { objectGuid: "ad-anna" });
    const s = source("g1", "anna@im.example", "anna@land.example", "ad-anna");
    expect(personLabel(anna)).toBe("Person anna <anna@im.example> (anna, im, id id-anna)");
    expect(sourceLabel(sourceEvidence([anna], [s]), s)).toBe("Person anna <anna@im.example> (anna, im, id id-anna), Exchange mailbox anna@im.example");
  });
});
