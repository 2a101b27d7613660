// The one order in which a mailbox's findings are shown: the evidence that decides whose mailbox it
// is comes first, what was reviewed next, then the consequences that follow from a wrong binding
// (two mailboxes on one login, a key held twice, a Job copying the wrong mail), then lifecycle and
// hygiene. A reviewer reads the first line and knows what is wrong; the rest confirms it.

/** Every rule of the pack (and the gate's own family checks), most decisive first. */
export const RULES_BY_DECISIVENESS: readonly string[] = [
  // Whose mailbox is it, by the exports
  "source-belongs-to-owner",
  "owner-in-directory",
  "addresses-belong-to-owner",
  "context-matches-organisation",
  "functional-mailbox-organisation",
  "delegation-within-organisation",
  "display-name-matches-directory",
  "source-match-strength",
  // What was reviewed
  "bindings-match-lock",
  "migrated-identity-stable",
  "context-ids-match-lock",
  "containment-matches-lock",
  // One of each: the collisions a wrong binding causes
  "one-mailbox-per-person",
  "source-migrates-once",
  "unique-addresses",
  "unique-logins",
  "adoptions-unique",
  "unique-across-shards",
  "family-unique-across-shards",
  // The chain derived from the binding
  "chain-consistent",
  "migration-moves-own-mail",
  "key-keepers-exact",
  "userdb-passwd-matches-index",
  "user-in-its-context",
  "logins-are-literal",
  // Lifecycle and stack hygiene
  "phase-moves-forward",
  "phase-steps-one-at-a-time",
  "no-backup-after-cut-over",
  "canaries-only-after-cut-over",
  "sync-only-reverse",
  "sync-needs-state",
  "prod-protection",
  "staging-without-production-domains",
  "family-coverage",
];

const RANK = new Map(RULES_BY_DECISIVENESS.map((rule, i) => [rule, i]));

/** Sort key of a rule: its place above; a rule not listed comes after every listed one. */
export function decisiveness(policy: string): number {
  return RANK.get(policy) ?? RULES_BY_DECISIVENESS.length;
}

/** Most decisive first; rules of equal rank keep their order (by name for unlisted ones). */
export function byDecisiveness<T extends { readonly policy: string }>(a: T, b: T): number {
  return decisiveness(a.policy) - decisiveness(b.policy) || (RANK.has(a.policy) ? 0 : a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : 0);
}
