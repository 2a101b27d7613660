// Two mailboxes adopting one existing OX user would hand one person's OX account (and the mailbox its
// imapLogin opens) to both: the second adoption's `change` rewrites the first's identity. The audit
// never writes such a file (core/adoption.ts adopts neither of two candidates), but the file is edited
// by hand and reviewed, so the gate checks what the program declares. Structural: the evidence
// behind each adoption was judged by `oxmig audit --adoptions`; what is judged here is the plan's outcome.
import type { StackValidationPolicy } from "@pulumi/policy";
import { configSchema } from "../config";
import { unknownAmong } from "../support/identity";
import { mailboxList, unknownText, userMessage } from "../support/report";
import { stackValidation } from "../support/rule";
import { groupBy } from "../support/stack";

export const adoptionsUnique: StackValidationPolicy = {
  name: "adoptions-unique",
  description: "Checks whether each existing OX user is adopted by at most one mailbox in its context (adoptUserId from the adoption file).",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: stackValidation((_ctx, stack, report) => {
    const adopting = stack.users.filter((u) => u.adoptUserId !== undefined || unknownAmong(u.unknown, ["adoptUserId"]).length > 0);
    for (const user of adopting) {
      const unknown = unknownAmong(user.unknown, ["adoptUserId", "contextName"]);
      if (unknown.length) report(userMessage(user, unknownText("OX user", unknown)), user.urn);
    }
    const groups = groupBy(adopting, (u) => (u.adoptUserId !== undefined && u.contextName !== undefined ? `${u.contextName}/${u.adoptUserId}` : undefined));
    for (const [key, users] of groups) {
      if (users.length < 2) continue;
      const [context, id] = key.split("/");
      for (const u of users) {
        report(userMessage(u, `adopts OX user ${id} of context ${context}, which ${users.length} mailboxes adopt: ${mailboxList(users)}`), u.urn);
      }
    }
  }),
};
