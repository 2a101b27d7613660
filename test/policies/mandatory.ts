// The identity rules of the pack (lifecycle and shard rules need wave and family fixtures of their own).
import { addressesBelongToOwner } from "../../policies/rules/addresses-belong-to-owner";
import { bindingsMatchLock } from "../../policies/rules/bindings-match-lock";
import { chainConsistent } from "../../policies/rules/chain-consistent";
import { contextMatchesOrganisation } from "../../policies/rules/context-matches-organisation";
import { oneMailboxPerPerson } from "../../policies/rules/one-mailbox-per-person";
import { ownerInDirectory } from "../../policies/rules/owner-in-directory";
import { prodProtection } from "../../policies/rules/prod-protection";
import { sourceBelongsToOwner } from "../../policies/rules/source-belongs-to-owner";
import { sourceMigratesOnce } from "../../policies/rules/source-migrates-once";
import { stagingWithoutProductionDomains } from "../../policies/rules/staging-without-production-domains";
import { uniqueAddresses } from "../../policies/rules/unique-addresses";
import { uniqueLogins } from "../../policies/rules/unique-logins";

export const MANDATORY = [
  ownerInDirectory,
  addressesBelongToOwner,
  sourceBelongsToOwner,
  contextMatchesOrganisation,
  prodProtection,
  stagingWithoutProductionDomains,
  uniqueAddresses,
  oneMailboxPerPerson,
  sourceMigratesOnce,
  uniqueLogins,
  chainConsistent,
  bindingsMatchLock,
];
