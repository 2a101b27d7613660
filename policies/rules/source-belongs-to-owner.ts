import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES, USER_ATTRIBUTES } from "@oxmig/core/contract";
import type { MailboxKind } from "@oxmig/core/model";
import { configSchema } from "../config";
import { describeSource, ownerOf, RECIPIENT_TYPE_OF, sourceOf, unknownAmong } from "../support/identity";
import { unknownText, userMessage } from "../support/report";
import { oxUserView } from "../support/resources";
import { resourceValidation } from "../support/rule";
import { matchSource } from "../support/source-match";

export const sourceBelongsToOwner: ResourceValidationPolicy = {
  name: "source-belongs-to-owner",
  description:
    "Checks whether each OX user's Exchange source mailbox belongs to the same person (or is of the same kind, for shared, room and equipment mailboxes).",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: resourceValidation([TYPES.oxUser], (ctx, resource, report) => {
    const user = oxUserView(resource);
    const unknown = unknownAmong(user.unknown, ["userAttributes"]);
    if (unknown.length > 0) return report(userMessage(user, unknownText("OX user", unknown)));
    const source = sourceOf(ctx, user);
    if (!source) {
      return report(
        userMessage(user, `userAttributes["${USER_ATTRIBUTES.sourceGuid}"] ${user.sourceGuid ?? "(missing)"} is not an ExchangeGuid in ${ctx.exchange.file}`),
      );
    }
    const expectedType = RECIPIENT_TYPE_OF[user.kind as MailboxKind];
    if (expectedType && source.type !== expectedType) {
      report(userMessage(user, `a ${user.kind} mailbox needs a ${expectedType} source, but ${describeSource(ctx, source)} is a ${source.type}`));
    }
    if (user.kind !== "personal") return;
    const owner = ownerOf(ctx, user);
    if (!owner) return report(userMessage(user, `source cannot be checked: owner id ${user.ownerId ?? "(none)"} is not in ${ctx.directory.file}`));
    const match = matchSource(ctx, owner, source);
    if (match.strength === "none") report(userMessage(user, match.problem, owner.uid));
  }),
};
