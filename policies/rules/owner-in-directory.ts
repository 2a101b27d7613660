import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES, USER_ATTRIBUTES } from "@oxmig/core/contract";
import { configSchema } from "../config";
import { describePerson, KINDS, loginOf, unknownAmong } from "../support/identity";
import { unknownText, userMessage } from "../support/report";
import { oxUserView } from "../support/resources";
import { resourceValidation } from "../support/rule";

const READS = ["userAttributes", "name", "primaryEmail"];

/** Personal mailboxes: the owner id names one enabled directory person whose uid is the OX name. */
export const ownerInDirectory: ResourceValidationPolicy = {
  name: "owner-in-directory",
  description: "Checks whether each OX user's owner id names exactly one enabled directory person whose uid is the OX user's name.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: resourceValidation([TYPES.oxUser], (ctx, resource, report) => {
    const user = oxUserView(resource);
    const unknown = unknownAmong(user.unknown, READS);
    if (unknown.length > 0) return report(userMessage(user, unknownText("OX user", unknown)));
    if (!user.kind || !KINDS.includes(user.kind as never)) {
      return report(userMessage(user, `userAttributes["${USER_ATTRIBUTES.kind}"] is "${user.kind ?? ""}", expected one of ${KINDS.join(", ")}`));
    }
    if (user.kind !== "personal") {
      if (user.ownerId !== undefined)
        report(userMessage(user, `a ${user.kind} mailbox must not carry an owner id (found ${user.ownerId}); it belongs to no person`));
      return;
    }
    if (!user.ownerId) return report(userMessage(user, `personal mailbox has no userAttributes["${USER_ATTRIBUTES.ownerId}"]`));
    const owner = ctx.directory.byId.get(user.ownerId);
    if (!owner) return report(userMessage(user, `owner id ${user.ownerId} is not in the directory (${ctx.directory.file})`));
    const who = describePerson(ctx, owner);
    if (owner.disabled) report(userMessage(user, `owner id ${owner.immutableId} is ${who}, which is disabled`, owner.uid));
    if (user.oxName !== loginOf(owner)) {
      const holders = ctx.directory.byUid.get((user.oxName ?? "").toLowerCase()) ?? [];
      const named = holders.length ? `; the name belongs to ${holders.map((p) => describePerson(ctx, p)).join(" and ")}` : "";
      report(userMessage(user, `OX name "${user.oxName}" differs from the owner's uid: owner id ${owner.immutableId} is ${who}${named}`, owner.uid));
    }
  }),
};
