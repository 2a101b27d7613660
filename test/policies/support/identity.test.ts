import { describe, expect, it } from "vitest";
import { KINDS, loginOf, RECIPIENT_TYPE_OF, unknownAmong } from "../../../policies/support/identity";
import type { Person } from "@oxmig/core/model";

describe("identity", () => {
  it("an unknown path under a prefix the rule reads is ignored, or one beside it taken", () => {
    const unknown = ["name", "nameSuffix", "aliases[0]", "aliasesOld", "userAttributes.oxmig/owner-id", "userAttributesX.y", "displayName"];
    expect(unknownAmong(unknown, ["name", "aliases", "userAttributes"])).toEqual(["name", "aliases[0]", "userAttributes.oxmig/owner-id"]);
    expect(unknownAmong(unknown, [])).toEqual([]);
  });
  it("a login derived from a uid in mixed case", () => {
    expect(loginOf({ uid: "MMueller" } as Person)).toBe("mmueller");
  });
  it("a mailbox kind paired with the wrong Exchange recipient type", () => {
    expect(KINDS).toEqual(["personal", "shared", "room", "equipment"]);
    expect(RECIPIENT_TYPE_OF).toEqual({ personal: "UserMailbox", shared: "SharedMailbox", room: "RoomMailbox", equipment: "EquipmentMailbox" });
  });
});
