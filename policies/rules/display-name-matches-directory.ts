import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "@oxmig/core/contract";
import { configSchema } from "../config";
import { describePerson, describeSource, ownerOf, sourceOf, unknownAmong } from "../support/identity";
import { unknownText, userMessage } from "../support/report";
import { oxUserView } from "../support/resources";
import { resourceValidation } from "../support/rule";
import { at, isUnknown, rawProps } from "../support/unknowns";

/** NFC and collapsed whitespace: the same name typed or exported twice compares equal. */
export function normaliseName(name: string): string {
  return name.normalize("NFC").replace(/\s+/gu, " ").trim();
}

// People see the display name in the address book and in From: lines; a name other than the
// directory's (personal) or Exchange's (shared, room, equipment) one labels a mailbox as someone else's.
export const displayNameMatchesDirectory: ResourceValidationPolicy = {
  name: "display-name-matches-directory",
  description:
    "Checks whether each OX user's display name is the directory displayName of its owner, or the Exchange DisplayName of a shared, room or equipment mailbox.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: resourceValidation([TYPES.oxUser], (ctx, resource, report) => {
    const user = oxUserView(resource);
    const raw = at(rawProps(resource.props), "displayName");
    const unknown = [...unknownAmong(user.unknown, ["userAttributes"]), ...(isUnknown(raw) ? ["displayName"] : [])];
    if (unknown.length) return report(userMessage(user, unknownText("OX user", unknown)));
    const declared = typeof raw === "string" ? raw : "";
    const owner = user.kind === "personal" ? ownerOf(ctx, user) : undefined;
    const source = user.kind !== "personal" ? sourceOf(ctx, user) : undefined;
    // Owner or source missing from the exports: owner-in-directory / source-belongs-to-owner reject that.
    const expected = owner
      ? { name: owner.displayName, from: `directory displayName of ${describePerson(ctx, owner)}` }
      : source
        ? { name: source.displayName, from: `Exchange DisplayName of ${describeSource(ctx, source)}` }
        : undefined;
    if (!expected) return;
    if (normaliseName(declared) !== normaliseName(expected.name)) {
      report(userMessage(user, `display name "${declared}" differs from the ${expected.from}: "${expected.name}"`, owner?.uid));
    }
  }),
};
