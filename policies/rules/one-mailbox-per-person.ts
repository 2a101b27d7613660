import type { StackValidationPolicy } from "@pulumi/policy";
import { configSchema } from "../config";
import { describePerson, unknownAmong } from "../support/identity";
import { mailboxList, userMessage, unknownText } from "../support/report";
import { stackValidation } from "../support/rule";
import { groupBy } from "../support/stack";

export const oneMailboxPerPerson: StackValidationPolicy = {
  name: "one-mailbox-per-person",
  description: "Checks whether each directory person owns at most one personal mailbox in the stack.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: stackValidation((ctx, stack, report) => {
    const personal = stack.users.filter((u) => u.kind === "personal");
    for (const user of stack.users) {
      const unknown = unknownAmong(user.unknown, ["userAttributes"]);
      if (unknown.length) report(userMessage(user, unknownText("OX user", unknown)), user.urn);
    }
    for (const [ownerId, users] of groupBy(personal, (u) => u.ownerId)) {
      if (users.length < 2) continue;
      const person = ctx.directory.byId.get(ownerId);
      const who = person ? describePerson(ctx, person) : `owner id ${ownerId} (not in ${ctx.directory.file})`;
      const names = mailboxList(users);
      for (const u of users) report(userMessage(u, `${who} owns ${users.length} personal mailboxes: ${names}`, person?.uid), u.urn);
    }
  }),
};
