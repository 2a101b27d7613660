import type { ResourceValidationPolicy } from "@pulumi/policy";
import { normaliseAddress } from "@oxmig/core/address";
import { TYPES } from "@oxmig/core/contract";
import type { Person, SourceMailbox } from "@oxmig/core/model";
import { configSchema, type PolicyContext } from "../config";
import { describePerson, describeSource, ownerOf, sourceOf, unknownAmong } from "../support/identity";
import { unknownText, userMessage } from "../support/report";
import { oxUserView, type OxUserView } from "../support/resources";
import { resourceValidation } from "../support/rule";

const READS = ["userAttributes", "primaryEmail", "email1", "defaultSenderAddress", "aliases", "name"];

/**
 * Which address problems a mailbox has. A personal mailbox may use its owner's directory
 * addresses and its own Exchange source's addresses, never another person's; a functional
 * mailbox only its source's addresses and no person's.
 */
function addressProblems(ctx: PolicyContext, user: OxUserView, owner: Person | undefined, source: SourceMailbox | undefined): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { field, value } of user.addresses) {
    const address = normaliseAddress(value);
    if (seen.has(address)) continue;
    seen.add(address);
    const people = ctx.directory.byAddress.get(address) ?? [];
    const others = people.filter((p) => p !== owner);
    const inSource = source?.addresses.some((a) => a.normalised === address) ?? false;
    // Stryker disable next-line ConditionalExpression: equivalent, people never holds undefined (the guard narrows the type)
    const ownerHasIt = owner !== undefined && people.includes(owner);
    if (others.length > 0) {
      problems.push(`address ${value} (${field}) belongs to ${others.map((p) => describePerson(ctx, p)).join(" and ")}${owner ? ", not to the owner" : ""}`);
    } else if (!ownerHasIt && !inSource) {
      // Stryker disable next-line MethodExpression,ConditionalExpression: equivalent, an address of the mailbox's own source never gets here (inSource)
      const sources = (ctx.exchange.byAddress.get(address) ?? []).filter((s) => s !== source);
      const elsewhere = sources.length ? `it belongs to ${sources.map((s) => describeSource(ctx, s)).join(" and ")}` : "nobody in the exports carries it";
      problems.push(
        `address ${value} (${field}) is neither the owner's in ${ctx.directory.file} nor the source mailbox's in ${ctx.exchange.file}; ${elsewhere}`,
      );
    }
  }
  return problems;
}

export const addressesBelongToOwner: ResourceValidationPolicy = {
  name: "addresses-belong-to-owner",
  description:
    "Checks whether every address of an OX user belongs to its owner (or, for shared, room and equipment mailboxes, to its Exchange source) and to nobody else.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: resourceValidation([TYPES.oxUser], (ctx, resource, report) => {
    const user = oxUserView(resource);
    const unknown = unknownAmong(user.unknown, READS);
    if (unknown.length > 0) return report(userMessage(user, unknownText("OX user", unknown)));
    const owner = ownerOf(ctx, user);
    const source = sourceOf(ctx, user);
    if (user.kind === "personal" && !owner) {
      return report(userMessage(user, `addresses cannot be checked: owner id ${user.ownerId ?? "(none)"} is not in ${ctx.directory.file}`));
    }
    if (user.kind !== "personal" && !source) {
      return report(userMessage(user, `addresses cannot be checked: source ExchangeGuid ${user.sourceGuid ?? "(none)"} is not in ${ctx.exchange.file}`));
    }
    for (const problem of addressProblems(ctx, user, owner, source)) report(userMessage(user, problem, owner?.uid));
  }),
};
