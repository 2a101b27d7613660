import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "@oxmig/core/contract";
import { configSchema } from "../config";
import { contextsServing, describePerson, ownerOf, unknownAmong, unreviewedException } from "../support/identity";
import { unknownText, userMessage } from "../support/report";
import { CONTEXT_EXCEPTION, oxUserView } from "../support/resources";
import { resourceValidation } from "../support/rule";

export const contextMatchesOrganisation: ResourceValidationPolicy = {
  name: "context-matches-organisation",
  description: `Checks whether each personal OX user lives in the context serving its owner's organisation, unless the plan declared a "${CONTEXT_EXCEPTION}" reason.`,
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: resourceValidation([TYPES.oxUser], (ctx, resource, report) => {
    const user = oxUserView(resource);
    const unknown = unknownAmong(user.unknown, ["userAttributes", "contextName"]);
    if (unknown.length > 0) return report(userMessage(user, unknownText("OX user", unknown)));
    if (user.kind !== "personal") return;
    if (user.contextException?.trim()) {
      const unreviewed = unreviewedException(ctx, user);
      if (unreviewed) report(userMessage(user, unreviewed));
      return;
    }
    const owner = ownerOf(ctx, user);
    if (!owner) return report(userMessage(user, `context cannot be checked: owner id ${user.ownerId ?? "(none)"} is not in ${ctx.directory.file}`));
    const expected = contextsServing(ctx.config, owner.ou);
    if (!expected.includes(user.contextName ?? "")) {
      report(
        userMessage(
          user,
          `context "${user.contextName}" does not serve the owner's organisation: ${describePerson(ctx, owner)} belongs in context ${expected.join(" or ")} (declare userAttributes["${CONTEXT_EXCEPTION}"] with a reason if intended)`,
          owner.uid,
        ),
      );
    }
  }),
};
