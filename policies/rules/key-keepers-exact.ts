import type { StackValidationPolicy } from "@pulumi/policy";
import { configSchema } from "../config";
import { mailboxMessage, unknownText, userMessage } from "../support/report";
import { stackValidation } from "../support/rule";
import { groupBy } from "../support/stack";

// A RandomPassword is replaced whenever any keeper changes. A keeper other than the immutable mailbox
// id (an address, a uid, a display name) therefore rotates the key on a rename, and the mail already
// encrypted under the old key becomes unreadable. Only `mailboxId` may keep a key.
const ONLY_KEEPER = "mailboxId";

export const keyKeepersExact: StackValidationPolicy = {
  name: "key-keepers-exact",
  description: "Checks whether each mailbox key's keepers are exactly its immutable mailbox id, so no rename or address change rotates a key.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: stackValidation((_ctx, stack, report) => {
    const holders = groupBy(stack.users, (u) => u.keyName);
    for (const [name, key] of stack.keys) {
      const user = holders.get(name)?.[0];
      const fail = (text: string) => report(user ? userMessage(user, text) : mailboxMessage(key.keeper ?? name, undefined, text), key.urn);
      if (key.unknown.length) {
        fail(unknownText(`key ${name}`, key.unknown));
        continue;
      }
      const extra = key.keeperNames.filter((k) => k !== ONLY_KEEPER);
      if (extra.length)
        fail(
          `key ${name} has keepers ${extra.join(", ")} besides ${ONLY_KEEPER}; a change of any of them would replace the key and orphan the mail encrypted with it`,
        );
      if (key.keeper === undefined) fail(`key ${name} has no keepers.${ONLY_KEEPER}`);
    }
  }),
};
