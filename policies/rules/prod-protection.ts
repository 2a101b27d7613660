import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "@oxmig/core/contract";
import { configSchema } from "../config";
import { mailboxMessage, userMessage } from "../support/report";
import { keyView, oxUserView } from "../support/resources";
import { resourceValidation } from "../support/rule";

/** Losing a key loses the mailbox's mail for good; deleting an OX user loses its data. */
export const prodProtection: ResourceValidationPolicy = {
  name: "prod-protection",
  description: "Checks whether keys and OX users are protected in production and keys are retained on delete.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: resourceValidation([TYPES.key, TYPES.oxUser], (ctx, resource, report) => {
    const prod = ctx.config.stackKind === "prod";
    if (resource.type === TYPES.oxUser) {
      const user = oxUserView(resource);
      if (prod && !user.protect) report(userMessage(user, `OX user ${user.resourceName} must be declared with protect: true in a prod stack`));
      return;
    }
    const key = keyView(resource);
    const mailbox = key.keeper ?? key.resourceName.replace(/^key-/, "");
    if (prod && !key.protect) report(mailboxMessage(mailbox, undefined, `key ${key.resourceName} must be declared with protect: true in a prod stack`));
    // The analyzer protocol does not carry retainOnDelete; checked whenever the engine supplies it.
    if (key.retainOnDelete === false) report(mailboxMessage(mailbox, undefined, `key ${key.resourceName} must be declared with retainOnDelete: true`));
  }),
};
