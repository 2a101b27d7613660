// Every rule must fail closed, with its own mandatory violation, on each unknown value it reads.
import { describe, expect, it } from "vitest";
import { addressesBelongToOwner } from "../../policies/rules/addresses-belong-to-owner";
import { chainConsistent } from "../../policies/rules/chain-consistent";
import { contextMatchesOrganisation } from "../../policies/rules/context-matches-organisation";
import { oneMailboxPerPerson } from "../../policies/rules/one-mailbox-per-person";
import { ownerInDirectory } from "../../policies/rules/owner-in-directory";
import { sourceBelongsToOwner } from "../../policies/rules/source-belongs-to-owner";
import { sourceMigratesOnce } from "../../policies/rules/source-migrates-once";
import { uniqueAddresses } from "../../policies/rules/unique-addresses";
import { uniqueLogins } from "../../policies/rules/unique-logins";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { attrs, oxUser, run, UNKNOWN_STRING, USER_ATTRIBUTES } from "./helpers";

const OWNER = `userAttributes.${USER_ATTRIBUTES.ownerId}`;
const READS = [
  { policy: ownerInDirectory, paths: [OWNER, "name", "primaryEmail"] },
  { policy: addressesBelongToOwner, paths: [OWNER, "name", "primaryEmail", "email1", "defaultSenderAddress", "aliases[0]"] },
  { policy: sourceBelongsToOwner, paths: [OWNER] },
  { policy: contextMatchesOrganisation, paths: [OWNER, "contextName"] },
  { policy: oneMailboxPerPerson, paths: [OWNER] },
  { policy: sourceMigratesOnce, paths: [OWNER] },
  { policy: uniqueLogins, paths: [OWNER, "name", "imapLogin", "contextName"] },
  { policy: chainConsistent, paths: [OWNER, "name", "imapLogin", "contextName"] },
];
const cases = READS.flatMap(({ policy, paths }) => paths.map((path) => [policy.name, path, policy] as const));

/** Jan's OX user with one value unknown, as preview sends it. */
function planWithUnknown(path: string) {
  const plan = buildResources(undefined, { withSecrets: false });
  const user = oxUser(plan, IDS.jan);
  if (path === OWNER) attrs(user)[USER_ATTRIBUTES.ownerId] = UNKNOWN_STRING;
  else if (path === "aliases[0]") user.props.aliases = [UNKNOWN_STRING];
  else user.props[path] = UNKNOWN_STRING;
  return plan;
}

describe("unknown values at preview", () => {
  it.each(cases)("%s lets an unknown %s pass or reports more than the unknown", async (_name, path, policy) => {
    const label = path === "primaryEmail" ? IDS.jan : "jan.schmidt@fa-luebeck.example";
    const owner = path === "name" ? "" : " (owner jschmidt)";
    const messages = (await run(policy, planWithUnknown(path))).map((v) => v.message);
    // chain-consistent also flags the userdb line it can no longer match to the (unknown) login.
    const orphan = policy === chainConsistent && (path === "imapLogin" || path === "contextName");
    expect(messages).toEqual([
      `mailbox ${label}${owner}: OX user ${path} is unknown at preview; binding-critical values must be known`,
      ...(orphan ? [`mailbox ${IDS.jan}: userdb userdb-luebeck has a line for "jschmidt" that no OX user of context luebeck logs in with`] : []),
    ]);
  });
  it.each(["primaryEmail", "email1", "defaultSenderAddress", "aliases[0]"])("unique-addresses lets an unknown %s pass", async (path) => {
    const messages = (await run(uniqueAddresses, planWithUnknown(path))).map((v) => v.message);
    expect(messages).toEqual([`oxuser-${IDS.jan}: OX user ${path} is unknown at preview; binding-critical values must be known`]);
  });
  it.each(READS.map(({ policy }) => [policy.name, policy] as const))("%s rejects an unknown value it does not read", async (_name, policy) => {
    const plan = buildResources(undefined, { withSecrets: false });
    oxUser(plan, IDS.jan).props.displayName = UNKNOWN_STRING;
    expect(await run(policy, plan)).toEqual([]);
  });
});
