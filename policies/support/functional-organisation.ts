// Which organisation a shared, room or equipment mailbox belongs to, from the exports alone: such a
// mailbox has no owner, so the plan's choice of context must be checked against other evidence.
import type { DirectoryIndex, PolicyContext } from "../config";
import type { SourceMailbox } from "@oxmig/core/model";
import { lineRef } from "./report";

export type FunctionalOrganisation = { readonly ou: string; readonly evidence: string } | { readonly problem: string };

const domainOf = (normalisedAddress: string): string => normalisedAddress.slice(normalisedAddress.lastIndexOf("@") + 1);

const domainCache = new WeakMap<DirectoryIndex, Map<string, Set<string>>>();

/** Mail domain → every `ou` whose people carry an address (mail or mailAlternateAddress) in it. */
function organisationsByDomain(directory: DirectoryIndex): Map<string, Set<string>> {
  const hit = domainCache.get(directory);
  // Stryker disable next-line ConditionalExpression: equivalent, a cache: recomputing gives the same map
  if (hit) return hit;
  const map = new Map<string, Set<string>>();
  for (const [address, people] of directory.byAddress) {
    const domain = domainOf(address);
    const ous = map.get(domain) ?? new Set<string>();
    for (const p of people) ous.add(p.ou);
    map.set(domain, ous);
  }
  domainCache.set(directory, map);
  return map;
}

/**
 * Strongest evidence first: the mailbox's own AD account (`Guid` → directory objectGUID → its ou), when
 * the directory holds it; then the mail domains of its Exchange addresses, when the directory's people
 * use each such domain in one organisation only. Both must agree; with neither, there is no answer.
 */
export function functionalOrganisation(ctx: PolicyContext, source: SourceMailbox): FunctionalOrganisation {
  const account = ctx.directory.byObjectGuid.get(source.ownerGuid);
  const byDomain = organisationsByDomain(ctx.directory);
  const primaryDomain = domainOf(source.primarySmtp.normalised);
  const primaryOus = [...(byDomain.get(primaryDomain) ?? [])].sort();
  const seen = new Map<string, string>();
  for (const a of source.addresses) {
    const ous = byDomain.get(domainOf(a.normalised));
    if (ous?.size === 1) seen.set([...ous][0]!, a.display);
  }
  if (seen.size > 1) {
    return { problem: `its Exchange addresses lie in domains of different organisations (${[...seen].map(([ou, a]) => `${a} → ou ${ou}`).join(", ")})` };
  }
  const domainEvidence =
    primaryOus.length === 1
      ? { ou: primaryOus[0]!, evidence: `its primary address domain ${primaryDomain} is used only by ou ${primaryOus[0]} in ${ctx.directory.file}` }
      : undefined;
  if (account) {
    const accountEvidence = {
      ou: account.ou,
      evidence: `its AD account (Guid ${source.ownerGuid}) is directory uid ${account.uid} in ou ${account.ou}, ${lineRef(ctx.directory.file, account.line)}`,
    };
    if (domainEvidence && domainEvidence.ou !== account.ou) return { problem: `${accountEvidence.evidence}, but ${domainEvidence.evidence}` };
    return accountEvidence;
  }
  if (domainEvidence) return domainEvidence;
  return {
    problem:
      primaryOus.length === 0
        ? `its AD account (Guid ${source.ownerGuid}) is not in ${ctx.directory.file} and no person there has an address in its primary domain ${primaryDomain}`
        : `its AD account (Guid ${source.ownerGuid}) is not in ${ctx.directory.file} and its primary domain ${primaryDomain} is used by several organisations (${primaryOus.join(", ")})`,
  };
}
