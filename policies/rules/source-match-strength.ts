import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "@oxmig/core/contract";
import { configSchema } from "../config";
import { ownerOf, sourceOf } from "../support/identity";
import { userMessage } from "../support/report";
import { oxUserView } from "../support/resources";
import { resourceValidation } from "../support/rule";
import { matchSource } from "../support/source-match";

/** Advisory companion of source-belongs-to-owner: lists the sources tied to their owner by address and UPN only. */
export const sourceMatchStrength: ResourceValidationPolicy = {
  name: "source-match-strength",
  description: "Checks whether each personal mailbox's Exchange source is tied to its owner by AD objectGUID rather than by address and UPN alone.",
  enforcementLevel: "advisory",
  configSchema,
  validateResource: resourceValidation([TYPES.oxUser], (ctx, resource, report) => {
    const user = oxUserView(resource);
    if (user.kind !== "personal") return;
    const owner = ownerOf(ctx, user);
    const source = sourceOf(ctx, user);
    if (!owner || !source) return;
    const match = matchSource(ctx, owner, source);
    if (match.strength === "weak") report(userMessage(user, `weak source match: ${match.evidence}`, owner.uid));
  }),
};
