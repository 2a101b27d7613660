// The pack: only constructs it (constructing a PolicyPack starts the analyzer server).
import { PolicyPack } from "@pulumi/policy";
import { addressesBelongToOwner } from "./rules/addresses-belong-to-owner";
import { bindingsMatchLock } from "./rules/bindings-match-lock";
import { chainConsistent } from "./rules/chain-consistent";
import { contextMatchesOrganisation } from "./rules/context-matches-organisation";
import { oneMailboxPerPerson } from "./rules/one-mailbox-per-person";
import { ownerInDirectory } from "./rules/owner-in-directory";
import { prodProtection } from "./rules/prod-protection";
import { sourceBelongsToOwner } from "./rules/source-belongs-to-owner";
import { sourceMatchStrength } from "./rules/source-match-strength";
import { sourceMigratesOnce } from "./rules/source-migrates-once";
import { stagingWithoutProductionDomains } from "./rules/staging-without-production-domains";
import { uniqueAddresses } from "./rules/unique-addresses";
import { uniqueLogins } from "./rules/unique-logins";

new PolicyPack("oxmig-bindings", {
  enforcementLevel: "mandatory",
  policies: [
    ownerInDirectory,
    addressesBelongToOwner,
    sourceBelongsToOwner,
    sourceMatchStrength,
    contextMatchesOrganisation,
    prodProtection,
    stagingWithoutProductionDomains,
    uniqueAddresses,
    oneMailboxPerPerson,
    sourceMigratesOnce,
    uniqueLogins,
    chainConsistent,
    bindingsMatchLock,
  ],
});
