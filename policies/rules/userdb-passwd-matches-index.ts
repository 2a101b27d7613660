import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES, type UserdbIndexEntry } from "@oxmig/core/contract";
import { homeFor } from "@oxmig/core/ids";
import { readPasswdFile } from "@oxmig/core/passwd-file";
import { configSchema } from "../config";
import { mailboxMessage, plainMessage, unknownText } from "../support/report";
import { isUserdb, userdbView } from "../support/resources";
import { resourceValidation } from "../support/rule";

// The userdb Secret on its own, at the moment it is registered. At `pulumi up` the keys exist by
// then, so the passwd-file is known here BEFORE Kubernetes gets it (Pulumi runs resource policies on
// each registration in preview and update; per its docs, not exercised here). chain-consistent then
// ties the index to the exports and each key password to its own key, as a stack check.
// At preview with new keys the whole file is unknown (an Output is known or unknown as a whole):
// then only its structure, the index annotation, is known and checked (docs/gate-evidence.md).
export const userdbPasswdMatchesIndex: ResourceValidationPolicy = {
  name: "userdb-passwd-matches-index",
  description:
    "Checks whether each userdb passwd-file line, read as Dovecot reads it, gives its login exactly the home of its index line, a key password of its own and nothing else.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: resourceValidation([TYPES.secret], (ctx, resource, report) => {
    if (!isUserdb(resource)) return;
    const db = userdbView(resource);
    const about = (e: UserdbIndexEntry, text: string) => report(mailboxMessage(e.mailboxId, e.login, `${db.resourceName}: ${text}`));
    if (db.unknown.length) return report(plainMessage(`userdb ${db.resourceName}: ${unknownText("", db.unknown).trim()}`));
    if (!db.index) return report(plainMessage(`userdb ${db.resourceName}: ${db.indexProblem ?? "no index"}`));
    if (db.passwdUnknown !== undefined) return;
    if (db.passwd === undefined) {
      for (const e of db.index) about(e, `the passwd-file cannot be read: ${db.passwdProblem ?? "missing"}`);
      return;
    }
    const entries = readPasswdFile(db.passwd);
    const byKey = new Map<string, Set<string>>();
    for (const e of db.index) {
      const entry = entries.get(e.login);
      if (!entry) {
        about(e, `passwd-file has no line for "${e.login}"`);
        continue;
      }
      const at = `passwd line ${entry.line} for "${e.login}"`;
      for (const problem of entry.problems) about(e, `${at}: ${problem}`);
      const home = homeFor(e.mailboxId, ctx.config.mailRoot);
      if (entry.home !== home || e.home !== home)
        about(e, `${at} gives home "${entry.home ?? ""}"; the index says "${e.home}", mailbox id ${e.mailboxId} means "${home}"`);
      if (!entry.keyPassword) about(e, `${at} gives no key password`);
      else byKey.set(entry.keyPassword, (byKey.get(entry.keyPassword) ?? new Set()).add(e.login));
    }
    for (const logins of byKey.values()) {
      // Compare only: the shared password itself is never printed.
      if (logins.size > 1) for (const e of db.index.filter((x) => logins.has(x.login))) about(e, `logins ${[...logins].join(", ")} share one key password`);
    }
    const indexed = new Set(db.index.map((e) => e.login));
    for (const entry of entries.values()) {
      if (!indexed.has(entry.login))
        report(plainMessage(`userdb ${db.resourceName} passwd line ${entry.line} for "${entry.login}" is missing from the userdb index`));
    }
  }),
};
