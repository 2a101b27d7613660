import type { StackValidationPolicy } from "@pulumi/policy";
import { configSchema } from "../config";
import { unknownAmong } from "../support/identity";
import { mailboxList, mailboxMessage, plainMessage, unknownText, userMessage } from "../support/report";
import type { OxUserView } from "../support/resources";
import { stackValidation } from "../support/rule";
import { groupBy } from "../support/stack";

/** Who a mailbox is: its owner, or (functional mailboxes) the mailbox itself. */
const identityOf = (u: OxUserView): string => u.ownerId ?? u.mailboxId ?? u.urn;

export const uniqueLogins: StackValidationPolicy = {
  name: "unique-logins",
  description: "Checks whether each OX name (per context and across contexts) and each Dovecot login maps to exactly one person or mailbox.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: stackValidation((_ctx, stack, report) => {
    for (const user of stack.users) {
      const unknown = unknownAmong(user.unknown, ["name", "imapLogin", "contextName", "userAttributes"]);
      if (unknown.length) report(userMessage(user, unknownText("OX user", unknown)), user.urn);
    }
    const clash = (what: string, groups: Map<string, OxUserView[]>, distinct: (u: OxUserView) => string) => {
      for (const [key, users] of groups) {
        if (new Set(users.map(distinct)).size < 2) continue;
        for (const u of users) report(userMessage(u, `${what} "${key}" is used by ${users.length} mailboxes: ${mailboxList(users)}`), u.urn);
      }
    };
    clash(
      "OX name in context",
      groupBy(stack.users, (u) => (u.oxName !== undefined ? `${u.contextName}/${u.oxName}` : undefined)),
      (u) => u.urn,
    );
    clash(
      "OX name",
      groupBy(stack.users, (u) => u.oxName),
      identityOf,
    );
    clash(
      "Dovecot login (imapLogin)",
      groupBy(stack.users, (u) => u.imapLogin),
      (u) => u.urn,
    );
    const lines = stack.userdbs.flatMap((db) => (db.index ?? []).map((e) => ({ ...e, db: db.resourceName, urn: db.urn })));
    for (const db of stack.userdbs) {
      if (db.unknown.length) report(plainMessage(`userdb ${db.resourceName}: ${unknownText("", db.unknown).trim()}`), db.urn);
      else if (db.indexProblem) report(plainMessage(`userdb ${db.resourceName}: ${db.indexProblem}`), db.urn);
    }
    for (const [login, entries] of groupBy(lines, (e) => e.login)) {
      if (entries.length < 2) continue;
      const where = entries.map((e) => `${e.db} (mailbox ${e.mailboxId})`).join(", ");
      for (const e of entries) report(mailboxMessage(e.mailboxId, undefined, `Dovecot login "${login}" has ${entries.length} userdb lines: ${where}`), e.urn);
    }
  }),
};
