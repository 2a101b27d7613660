import { describe, expect, it } from "vitest";
import { USER_ATTRIBUTES } from "@oxmig/core/contract";
import { userAttributesFor } from "../../../infra/components/mailbox";
import { personalBinding, sharedBinding } from "./fixtures";

describe("userAttributesFor", () => {
  it("a personal mailbox names its owner's immutable id and its key", () => {
    const b = personalBinding("anna", "aa11");
    expect(userAttributesFor(b)).toEqual({
      [USER_ATTRIBUTES.mailboxId]: "aa11",
      [USER_ATTRIBUTES.ownerId]: "aa11",
      [USER_ATTRIBUTES.kind]: "personal",
      [USER_ATTRIBUTES.sourceGuid]: "ex-aa11",
      [USER_ATTRIBUTES.keyName]: "key-aa11",
    });
  });

  it("a shared mailbox carries no owner id (it has no single owner)", () => {
    const attributes = userAttributesFor(sharedBinding("poststelle", "bb22"));
    expect(attributes).not.toHaveProperty(USER_ATTRIBUTES.ownerId);
    expect(attributes[USER_ATTRIBUTES.kind]).toBe("shared");
    expect(attributes[USER_ATTRIBUTES.sourceGuid]).toBe("bb22");
  });

  it("a contained mailbox carries the plan's reason; a free one no containment attribute", () => {
    expect(userAttributesFor({ ...personalBinding("anna", "aa11"), contain: "INC-1: holds foreign mail" })[USER_ATTRIBUTES.containment]).toBe(
      "INC-1: holds foreign mail",
    );
    expect(userAttributesFor(personalBinding("anna", "aa11"))).not.toHaveProperty(USER_ATTRIBUTES.containment);
  });

  it("no attribute depends on the display name or an address", () => {
    const b = personalBinding("anna", "aa11");
    const renamed = { ...b, displayName: "Anna Neu", primaryAddress: { display: "anna.neu@im.example", normalised: "anna.neu@im.example" } };
    expect(userAttributesFor(renamed)).toEqual(userAttributesFor(b));
  });
});
