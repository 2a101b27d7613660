// Every policy of the pack, in evaluation order. Importing this starts nothing (index.ts constructs
// the pack), so tools can list the policies, e.g. `oxmig policy-config` writing one entry per policy.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { addressesBelongToOwner } from "./rules/addresses-belong-to-owner";
import { adoptionsUnique } from "./rules/adoptions-unique";
import { bindingsMatchLock } from "./rules/bindings-match-lock";
import { canariesOnlyAfterCutOver } from "./rules/canaries-only-after-cut-over";
import { chainConsistent } from "./rules/chain-consistent";
import { containmentMatchesLock } from "./rules/containment-matches-lock";
import { contextMatchesOrganisation } from "./rules/context-matches-organisation";
import { delegationWithinOrganisation } from "./rules/delegation-within-organisation";
import { displayNameMatchesDirectory } from "./rules/display-name-matches-directory";
import { functionalMailboxOrganisation } from "./rules/functional-mailbox-organisation";
import { keyKeepersExact } from "./rules/key-keepers-exact";
import { loginsAreLiteral } from "./rules/logins-are-literal";
import { migrationMovesOwnMail } from "./rules/migration-moves-own-mail";
import { noBackupAfterCutOver } from "./rules/no-backup-after-cut-over";
import { oneMailboxPerPerson } from "./rules/one-mailbox-per-person";
import { ownerInDirectory } from "./rules/owner-in-directory";
import { phaseMovesForward } from "./rules/phase-moves-forward";
import { phaseStepsOneAtATime } from "./rules/phase-steps-one-at-a-time";
import { migratedIdentityStable } from "./rules/migrated-identity-stable";
import { contextIdsMatchLock } from "./rules/context-ids-match-lock";
import { prodProtection } from "./rules/prod-protection";
import { sourceBelongsToOwner } from "./rules/source-belongs-to-owner";
import { sourceMatchStrength } from "./rules/source-match-strength";
import { sourceMigratesOnce } from "./rules/source-migrates-once";
import { stagingWithoutProductionDomains } from "./rules/staging-without-production-domains";
import { syncNeedsState } from "./rules/sync-needs-state";
import { syncOnlyReverse } from "./rules/sync-only-reverse";
import { uniqueAcrossShards } from "./rules/unique-across-shards";
import { uniqueAddresses } from "./rules/unique-addresses";
import { uniqueLogins } from "./rules/unique-logins";
import { userInItsContext } from "./rules/user-in-its-context";
import { userdbPasswdMatchesIndex } from "./rules/userdb-passwd-matches-index";

export const PACK_NAME = "oxmig-bindings";

export const ALL_POLICIES: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = [
  ownerInDirectory,
  addressesBelongToOwner,
  sourceBelongsToOwner,
  sourceMatchStrength,
  contextMatchesOrganisation,
  functionalMailboxOrganisation,
  prodProtection,
  stagingWithoutProductionDomains,
  uniqueAddresses,
  oneMailboxPerPerson,
  sourceMigratesOnce,
  uniqueLogins,
  adoptionsUnique,
  loginsAreLiteral,
  userInItsContext,
  chainConsistent,
  userdbPasswdMatchesIndex,
  keyKeepersExact,
  displayNameMatchesDirectory,
  bindingsMatchLock,
  uniqueAcrossShards,
  noBackupAfterCutOver,
  syncOnlyReverse,
  syncNeedsState,
  phaseMovesForward,
  phaseStepsOneAtATime,
  migratedIdentityStable,
  contextIdsMatchLock,
  containmentMatchesLock,
  canariesOnlyAfterCutOver,
  migrationMovesOwnMail,
  delegationWithinOrganisation,
];
