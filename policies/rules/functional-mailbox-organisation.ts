import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "@oxmig/core/contract";
import { configSchema } from "../config";
import { functionalOrganisation } from "../support/functional-organisation";
import { contextsServing, describeSource, sourceOf, unknownAmong, unreviewedException } from "../support/identity";
import { unknownText, userMessage } from "../support/report";
import { CONTEXT_EXCEPTION, oxUserView } from "../support/resources";
import { resourceValidation } from "../support/rule";

const FUNCTIONAL = new Set(["shared", "room", "equipment"]);

export const functionalMailboxOrganisation: ResourceValidationPolicy = {
  name: "functional-mailbox-organisation",
  description:
    "Checks whether each shared, room and equipment OX user lives in the context serving the organisation the Exchange and directory exports place it in.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: resourceValidation([TYPES.oxUser], (ctx, resource, report) => {
    const user = oxUserView(resource);
    const unknown = unknownAmong(user.unknown, ["userAttributes", "contextName"]);
    if (unknown.length > 0) return report(userMessage(user, unknownText("OX user", unknown)));
    // Stryker disable next-line StringLiteral: equivalent, a missing kind is not functional whatever string stands in for it
    if (!FUNCTIONAL.has(user.kind ?? "")) return;
    // The same review as for personal mailboxes: the reason counts only as the lock approved it.
    if (user.contextException?.trim()) {
      const unreviewed = unreviewedException(ctx, user);
      if (unreviewed) report(userMessage(user, unreviewed));
      return;
    }
    const source = sourceOf(ctx, user);
    if (!source)
      return report(userMessage(user, `organisation cannot be checked: source ExchangeGuid ${user.sourceGuid ?? "(none)"} is not in ${ctx.exchange.file}`));
    const found = functionalOrganisation(ctx, source);
    if ("problem" in found)
      return report(
        userMessage(
          user,
          `organisation of ${user.kind} mailbox ${describeSource(ctx, source)} cannot be established, so its context cannot be checked: ${found.problem}`,
        ),
      );
    const expected = contextsServing(ctx.config, found.ou);
    if (!expected.includes(user.contextName ?? "")) {
      report(
        userMessage(
          user,
          `context "${user.contextName}" does not serve organisation ${found.ou} of ${user.kind} mailbox ${describeSource(ctx, source)}: ${found.evidence}; it belongs in context ${expected.join(" or ")} (declare userAttributes["${CONTEXT_EXCEPTION}"] with a reason if intended)`,
        ),
      );
    }
  }),
};
