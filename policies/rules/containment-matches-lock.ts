// Containment blocks a person's own login while an incident is cleaned up (docs/incident.md). It is a
// reviewed change: the lock records each contained mailbox with its reason (plan `contain`), and the
// program renders it twice, as the context's deny list `deny-<context>` (Dovecot's deny passdb) and as
// a disabled OX user. Both must say exactly what the lock says. A login missing from them leaves
// someone reading foreign mail during the cleanup; one too many locks a person out without review.
// Neither the userdb, the key nor the migration Job is touched, so the cleanup and the corrected
// re-migration of a contained mailbox pass every other rule.
import type { ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import type { LockEntry } from "@oxmig/core/lock";
import { configSchema, type PolicyContext } from "../config";
import { denyListView, isDenyList, type DenyListView } from "../support/containment";
import { plainMessage, userMessage } from "../support/report";
import type { OxUserView } from "../support/resources";
import { resourcesValidation } from "../support/rule";
import { groupBy, stackView } from "../support/stack";

const RULE = "containment-matches-lock";

/** The approved lock entry of a declared OX user: by mailbox id and source, else by mailbox id. */
function lockLookup(ctx: PolicyContext): (user: OxUserView) => LockEntry | undefined {
  const entries = ctx.lock?.lock.mailboxes ?? [];
  const byIdAndSource = new Map(entries.map((e) => [`${e.mailbox}\n${e.source.exchangeGuid}`, e]));
  const byId = new Map(entries.map((e) => [e.mailbox, e]));
  return (user) => (user.mailboxId === undefined ? undefined : (byIdAndSource.get(`${user.mailboxId}\n${user.sourceGuid ?? ""}`) ?? byId.get(user.mailboxId)));
}

export const containmentMatchesLock: StackValidationPolicy = {
  name: RULE,
  description:
    "Checks whether each context's deny list blocks exactly the logins of its userdb whose mailboxes the binding lock records as contained, and whether exactly those mailboxes' OX users are disabled.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: resourcesValidation((ctx, resources, report) => {
    const stack = stackView(resources);
    const lockOf = lockLookup(ctx);
    const lockName = ctx.lock ? `the lock ${ctx.lock.file}` : "the binding lock (none is configured)";
    const denyLists = groupBy(resources.filter(isDenyList).map(denyListView), (d) => d.context);
    const usersByContext = groupBy(stack.users, (u) => u.contextName);
    const userdbLogins = new Map(stack.userdbs.filter((db) => db.index).map((db) => [db.context, new Set(db.index!.map((e) => e.login))]));
    const contexts = new Set([...denyLists.keys(), ...usersByContext.keys()]);
    for (const context of contexts) {
      const users = usersByContext.get(context) ?? [];
      const lists = denyLists.get(context) ?? [];
      if (lists.length === 0) {
        report(
          plainMessage(
            `context ${context} (rule ${RULE}) declares no deny list deny-${context}: the production Dovecot's deny passdb would find no file, and a missing file refuses nobody, so a contained login gets in`,
          ),
        );
        continue;
      }
      if (lists.length > 1)
        report(
          plainMessage(
            `context ${context} (rule ${RULE}) has ${lists.length} deny lists (${lists.map((d) => d.resourceName).join(", ")}); the Dovecot of a context reads one`,
          ),
          lists[1]!.urn,
        );
      checkDenyList(lists[0]!, users, userdbLogins.get(context), lockOf, lockName, report);
    }
    for (const user of stack.users) checkOxUser(user, lockOf(user), lockName, report);
  }),
};

/** The deny list of one context against the lock's contained mailboxes of that context. */
function checkDenyList(
  list: DenyListView,
  users: readonly OxUserView[],
  userdb: ReadonlySet<string> | undefined,
  lockOf: (user: OxUserView) => LockEntry | undefined,
  lockName: string,
  report: ReportViolation,
): void {
  const where = `${list.resourceName} (rule ${RULE})`;
  if (list.unknown.length)
    return report(
      plainMessage(`${where}: ${list.unknown.join(", ")} ${list.unknown.length > 1 ? "are" : "is"} unknown at preview; the contained logins must be known`),
      list.urn,
    );
  if (list.problem || !list.reading) return report(plainMessage(`${where}: ${list.problem ?? "cannot be read"}`), list.urn);
  for (const p of list.reading.problems) report(plainMessage(`${where} line ${p.line} ${p.problem}`), list.urn);
  const byLogin = new Map(users.filter((u) => u.imapLogin !== undefined).map((u) => [u.imapLogin!, u]));
  const contained = new Map<string, { user: OxUserView; entry: LockEntry }>();
  for (const user of users) {
    const entry = lockOf(user);
    if (entry?.contain !== undefined) contained.set(entry.login, { user, entry });
  }
  for (const [login, line] of list.reading.logins) {
    if (userdb && !userdb.has(login))
      report(
        plainMessage(`${where} line ${line} blocks "${login}", which is no login of the context's userdb: a typo blocks nobody, or the wrong person`),
        list.urn,
      );
    if (contained.has(login)) continue;
    const user = byLogin.get(login);
    const text = `${list.resourceName} line ${line} blocks login "${login}", but ${lockName} records no containment for it: a person locked out without review; declare \`contain: "<reason>"\` on its plan line and relock, or remove the line`;
    report(user ? userMessage(user, text) : plainMessage(`${text} (rule ${RULE})`), list.urn);
  }
  for (const [login, { user, entry }] of contained) {
    if (list.reading.logins.has(login)) continue;
    report(
      userMessage(
        user,
        `${lockName} contains this mailbox (${entry.contain}), but ${list.resourceName} does not block its login "${login}": the person can still log in to Dovecot, reading the mail that is being cleaned up`,
      ),
      list.urn,
    );
  }
}

/** A contained mailbox's OX user is disabled, and only a contained one. */
function checkOxUser(user: OxUserView, entry: LockEntry | undefined, lockName: string, report: ReportViolation): void {
  if (user.unknown.includes("mailEnabled"))
    return report(userMessage(user, `its OX user's mailEnabled is unknown at preview (rule ${RULE}); whether the person can log in must be known`), user.urn);
  const disabled = user.mailEnabled === false;
  if (entry?.contain !== undefined && !disabled) {
    report(
      userMessage(
        user,
        `${lockName} contains this mailbox (${entry.contain}), but its OX user ${user.resourceName} is not disabled (mailEnabled must be false): OX still lets the person log in`,
      ),
      user.urn,
    );
  }
  if (entry?.contain === undefined && disabled) {
    report(
      userMessage(
        user,
        `its OX user ${user.resourceName} is disabled (mailEnabled false), but ${lockName} records no containment for it: a person locked out without review; declare \`contain: "<reason>"\` on its plan line and relock`,
      ),
      user.urn,
    );
  }
}
