import type { ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import type { Pairing } from "@oxmig/core/contract";
import { configSchema } from "../config";
import { unknownAmong } from "../support/identity";
import { mailboxList, mailboxMessage, plainMessage, unknownText, userMessage } from "../support/report";
import type { PairingView } from "../support/resources";
import { stackValidation } from "../support/rule";
import { groupBy, type StackView } from "../support/stack";

type Located = Pairing & { readonly table: PairingView };

function pairingsOf(stack: StackView, report: ReportViolation): Located[] {
  const all: Located[] = [];
  for (const table of stack.pairings) {
    if (table.unknown.length) report(plainMessage(`pairing table ${table.resourceName}: ${unknownText("", table.unknown).trim()}`), table.urn);
    else if (table.problem) report(plainMessage(`pairing table ${table.resourceName}: ${table.problem}`), table.urn);
    for (const p of table.pairings ?? []) all.push({ ...p, table });
  }
  return all;
}

export const sourceMigratesOnce: StackValidationPolicy = {
  name: "source-migrates-once",
  description: "Checks whether each Exchange source mailbox is paired exactly once and backs exactly one OX mailbox.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: stackValidation((_ctx, stack, report) => {
    const pairings = groupBy(pairingsOf(stack, report), (p) => p.sourceExchangeGuid.toLowerCase());
    const users = groupBy(stack.users, (u) => u.sourceGuid?.toLowerCase());
    for (const user of stack.users) {
      const unknown = unknownAmong(user.unknown, ["userAttributes"]);
      if (unknown.length) report(userMessage(user, unknownText("OX user", unknown)), user.urn);
    }
    for (const [guid, holders] of users) {
      const found = pairings.get(guid) ?? [];
      for (const u of holders) {
        if (holders.length > 1) report(userMessage(u, `source ExchangeGuid ${guid} backs ${holders.length} mailboxes: ${mailboxList(holders)}`), u.urn);
        if (found.length !== 1) {
          const where = found.map((p) => `${p.table.resourceName} (mailbox ${p.mailboxId})`).join(", ");
          report(userMessage(u, `source ExchangeGuid ${guid} appears in ${found.length} pairings${where ? `: ${where}` : ""}; expected exactly one`), u.urn);
        } else if (found[0]!.mailboxId !== u.mailboxId) {
          report(
            userMessage(
              u,
              `source ExchangeGuid ${guid} is paired to mailbox ${found[0]!.mailboxId} in ${found[0]!.table.resourceName}, but feeds mailbox ${u.mailboxId}`,
            ),
            u.urn,
          );
        }
      }
    }
    for (const [guid, found] of pairings) {
      if (users.has(guid)) continue;
      for (const p of found)
        report(
          mailboxMessage(
            p.mailboxId,
            p.targetLogin,
            `pairing in ${p.table.resourceName} migrates source ExchangeGuid ${guid}, which no OX user declares as its source`,
          ),
          p.table.urn,
        );
    }
  }),
};
