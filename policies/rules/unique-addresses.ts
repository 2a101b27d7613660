import type { StackValidationPolicy } from "@pulumi/policy";
import { normaliseAddress } from "@oxmig/core/address";
import { configSchema } from "../config";
import { mailboxLabel, mailboxList, mailboxMessage, plainMessage, unknownText } from "../support/report";
import type { OxUserView } from "../support/resources";
import { groupBy } from "../support/stack";
import { stackValidation } from "../support/rule";
import { unknownAmong } from "../support/identity";

export const uniqueAddresses: StackValidationPolicy = {
  name: "unique-addresses",
  description: "Checks whether every normalised address routes to exactly one mailbox of the stack.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: stackValidation((_ctx, stack, report) => {
    // Stryker disable next-line ArrayDeclaration: equivalent, an entry without address is skipped by groupBy
    const routes: { address: string; mailbox: string; urn: string; user: OxUserView }[] = [];
    for (const user of stack.users) {
      const unknown = unknownAmong(user.unknown, ["primaryEmail", "email1", "defaultSenderAddress", "aliases"]);
      if (unknown.length) report(plainMessage(`${user.resourceName}: ${unknownText("OX user", unknown)}`), user.urn);
      const own = new Set(user.addresses.map((a) => normaliseAddress(a.value)));
      for (const address of own) routes.push({ address, mailbox: mailboxLabel(user), urn: user.urn, user });
    }
    for (const [address, holders] of groupBy(routes, (r) => r.address)) {
      if (holders.length < 2) continue;
      const names = mailboxList(holders.map((h) => h.user));
      for (const h of holders) {
        report(mailboxMessage(h.mailbox, undefined, `address ${address} routes to ${holders.length} mailboxes: ${names}`), h.urn);
      }
    }
  }),
};
