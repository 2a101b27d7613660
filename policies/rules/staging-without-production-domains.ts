import type { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { domainToASCII } from "node:url";
import { TYPES } from "@oxmig/core/contract";
import { configSchema } from "../config";
import { mailboxMessage, plainMessage, unknownText, userMessage } from "../support/report";
import { isPairingTable, isUserdb, oxUserView, pairingView, userdbView, type ResourceLike } from "../support/resources";
import { resourceValidation } from "../support/rule";

/** The production domain `value`'s domain equals or lies under, if any. */
function productionDomainOf(value: string, domains: readonly string[]): string | undefined {
  const at = value.lastIndexOf("@");
  if (at < 0) return undefined;
  const domain =
    domainToASCII(
      value
        .slice(at + 1)
        .normalize("NFC")
        .toLowerCase(),
    ) || value.slice(at + 1).toLowerCase();
  return domains.find((d) => domain === d || domain.endsWith(`.${d}`));
}

function checkValues(label: string, values: readonly { field: string; value: string }[], domains: readonly string[], report: (text: string) => void): void {
  for (const { field, value } of values) {
    const hit = productionDomainOf(value, domains);
    if (hit) report(`${label}: ${field} ${value} uses the production domain ${hit}; a staging stack must never route production mail`);
  }
}

function checkResource(resource: ResourceLike, domains: readonly string[], report: ReportViolation): void {
  if (resource.type === TYPES.oxUser) {
    const user = oxUserView(resource);
    return checkValues("OX user", user.addresses, domains, (text) => report(userMessage(user, text)));
  }
  if (isUserdb(resource)) {
    const db = userdbView(resource);
    if (db.unknown.length) return report(plainMessage(`userdb ${db.resourceName}: ${unknownText("", db.unknown).trim()}`));
    const entries = db.index ?? [];
    for (const e of entries)
      checkValues(`userdb ${db.resourceName}`, [{ field: "login", value: e.login }], domains, (text) => report(mailboxMessage(e.mailboxId, e.login, text)));
    return;
  }
  if (isPairingTable(resource)) {
    const table = pairingView(resource);
    if (table.unknown.length) return report(plainMessage(`pairing table ${table.resourceName}: ${unknownText("", table.unknown).trim()}`));
    for (const p of table.pairings ?? []) {
      const values = [
        { field: "sourceLogin", value: p.sourceLogin },
        { field: "targetLogin", value: p.targetLogin },
      ];
      checkValues(`pairing table ${table.resourceName}`, values, domains, (text) => report(mailboxMessage(p.mailboxId, p.targetLogin, text)));
    }
  }
}

export const stagingWithoutProductionDomains: ResourceValidationPolicy = {
  name: "staging-without-production-domains",
  description: "Checks whether a staging stack keeps every production mail domain out of its OX users, userdb index and pairing tables.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: resourceValidation([TYPES.oxUser, TYPES.secret, TYPES.configMap], (ctx, resource, report) => {
    if (ctx.config.stackKind !== "staging") return;
    const domains = ctx.config.productionDomains.map((d) => domainToASCII(d.normalize("NFC").toLowerCase()) || d.toLowerCase());
    if (domains.length) checkResource(resource, domains, report);
  }),
};
