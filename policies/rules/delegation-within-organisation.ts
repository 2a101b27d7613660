import type { ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { DELEGATE_RIGHTS, GRANTED_MAILBOX, readAclScript, type AclGrant } from "@oxmig/core/acl-grants";
import { K8S, TYPES } from "@oxmig/core/contract";
import { configSchema, type PolicyContext } from "../config";
import { functionalOrganisation } from "../support/functional-organisation";
import { describePerson, loginOf, ownerOf, sourceOf } from "../support/identity";
import { mailboxLabel, mailboxMessage, plainMessage, unknownText } from "../support/report";
import {
  aclView,
  isAclGrants,
  isUserdb,
  oxUserView,
  userdbView,
  type AclView,
  type OxUserView,
  type ResourceLike,
  type UserdbView,
} from "../support/resources";
import { resourcesValidation } from "../support/rule";

const FUNCTIONAL = new Set(["shared", "room", "equipment"]);
const ALLOWED_RIGHTS: ReadonlySet<string> = new Set(DELEGATE_RIGHTS);
/** Dovecot logins are matched literally here; a doveadm mask would grant on every matching mailbox. */
const PLAIN_LOGIN = /^[a-z0-9._-]+$/;

interface ContextDeclarations {
  /** OX users of the context by imapLogin (the Dovecot login OX opens). */
  readonly byLogin: Map<string, OxUserView[]>;
  readonly userdbs: UserdbView[];
}

function declarations(resources: readonly ResourceLike[]): Map<string, ContextDeclarations> {
  const byContext = new Map<string, ContextDeclarations>();
  const of = (context: string) => byContext.get(context) ?? byContext.set(context, { byLogin: new Map(), userdbs: [] }).get(context)!;
  for (const r of resources) {
    if (r.type === TYPES.oxUser) {
      const user = oxUserView(r);
      // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent, a user kept under an undefined context or login is never looked up (contexts and logins looked up are strings)
      if (user.contextName === undefined || user.imapLogin === undefined) continue;
      const byLogin = of(user.contextName).byLogin;
      const same = byLogin.get(user.imapLogin);
      if (same) same.push(user);
      else byLogin.set(user.imapLogin, [user]);
    } else if (isUserdb(r)) {
      const db = userdbView(r);
      of(db.context).userdbs.push(db);
    }
  }
  return byContext;
}

/** The one OX user in the context that Dovecot opens for `login`, or why there is none. */
function userWithLogin(decl: ContextDeclarations | undefined, login: string): OxUserView | string {
  const found = decl?.byLogin.get(login) ?? [];
  if (found.length === 1) return found[0]!;
  return found.length === 0 ? "no OX user of the context has this login" : `${found.length} OX users of the context have this login`;
}

/** Does the context's userdb open `login` at the home of this very mailbox? */
function userdbProblem(decl: ContextDeclarations | undefined, context: string, login: string, mailboxId: string | undefined): string | undefined {
  // Stryker disable next-line OptionalChaining,ArrayDeclaration: equivalent, only called after userWithLogin found a user in decl, so decl is defined
  const dbs = decl?.userdbs ?? [];
  if (dbs.length !== 1) return dbs.length === 0 ? `userdb-${context} is not declared` : `${dbs.length} userdbs are declared for context ${context}`;
  const db = dbs[0]!;
  if (db.unknown.length > 0) return unknownText(`userdb-${context}`, db.unknown);
  if (!db.index) return `userdb-${context} index cannot be read: ${db.indexProblem ?? "missing"}`;
  const lines = db.index.filter((e) => e.login === login);
  if (lines.length !== 1) return `userdb-${context} has ${lines.length} lines for login ${login}`;
  return lines[0]!.mailboxId === mailboxId
    ? undefined
    : `userdb-${context} opens login ${login} as mailbox ${lines[0]!.mailboxId}, not ${mailboxId ?? "(none)"}`;
}

/** Why `grant` gives the wrong person access, or undefined when it is a sane delegation. */
function checkGrant(
  ctx: PolicyContext,
  acl: AclView,
  grant: AclGrant,
  decls: Map<string, ContextDeclarations>,
  say: (mailbox: string, who: string | undefined, text: string) => void,
): void {
  const context = acl.context!;
  const decl = decls.get(context);
  const where = `${acl.resourceName} ${K8S.aclScriptKey} line ${grant.line}`;
  const target = PLAIN_LOGIN.test(grant.mailboxLogin) ? userWithLogin(decl, grant.mailboxLogin) : "it is not a plain login (doveadm reads * and ? as a mask)";
  const mailbox = typeof target === "string" ? grant.mailboxLogin : mailboxLabel(target);
  const delegateLogin = grant.identifier.startsWith("user=") ? grant.identifier.slice("user=".length) : undefined;
  const fail = (text: string) => say(mailbox, delegateLogin ?? grant.identifier, `${where}: ${text}`);
  if (typeof target === "string")
    return fail(`grants on login ${grant.mailboxLogin}, which is not a shared, room or equipment mailbox of context ${context}: ${target}`);
  if (!FUNCTIONAL.has(target.kind ?? ""))
    return fail(`grants access to ${target.kind ?? "an unknown kind of"} mailbox ${mailbox}; only shared, room and equipment mailboxes have delegates`);
  const homeProblem = userdbProblem(decl, context, grant.mailboxLogin, target.mailboxId);
  if (homeProblem) return fail(`the mailbox the ACL is written into cannot be confirmed: ${homeProblem}`);
  if (grant.mailbox !== GRANTED_MAILBOX) return fail(`grants on folder "${grant.mailbox}"; only ${GRANTED_MAILBOX} is delegated`);
  const badRights = grant.rights.filter((r) => !ALLOWED_RIGHTS.has(r));
  if (badRights.length > 0)
    return fail(
      `grants rights ${badRights.join(", ")}; a delegate may only have ${DELEGATE_RIGHTS.join(" ")} (admin would let them grant others past this check, delete would let them remove the mailbox)`,
    );
  if (delegateLogin === undefined)
    return fail(`grants to "${grant.identifier}"; only user=<login> of one person of the mailbox's organisation may be a delegate`);
  const source = sourceOf(ctx, target);
  if (!source)
    return fail(`organisation of ${mailbox} cannot be established: source ExchangeGuid ${target.sourceGuid ?? "(none)"} is not in ${ctx.exchange.file}`);
  const organisation = functionalOrganisation(ctx, source);
  if ("problem" in organisation) return fail(`organisation of ${mailbox} cannot be established, so its delegates cannot be checked: ${organisation.problem}`);
  const delegate = PLAIN_LOGIN.test(delegateLogin) ? userWithLogin(decl, delegateLogin) : "it is not a plain login";
  if (typeof delegate === "string" || delegate.kind !== "personal") {
    const people = ctx.directory.byUid.get(delegateLogin.toLowerCase()) ?? [];
    const who = people.map((p) => `${describePerson(ctx, p)}${p.disabled ? ", disabled" : ""}`).join("; ") || `no directory uid ${delegateLogin}`;
    return fail(
      `delegate login ${delegateLogin} is not the personal mailbox of one person declared in context ${context} (${typeof delegate === "string" ? delegate : `it is a ${delegate.kind} mailbox`}); directory: ${who}`,
    );
  }
  const delegateHome = userdbProblem(decl, context, delegateLogin, delegate.mailboxId);
  if (delegateHome) return fail(`delegate login ${delegateLogin} cannot be confirmed: ${delegateHome}`);
  const person = ownerOf(ctx, delegate);
  if (!person) return fail(`delegate login ${delegateLogin}: owner id ${delegate.ownerId ?? "(none)"} is not in ${ctx.directory.file}`);
  if (loginOf(person) !== delegateLogin)
    return fail(`delegate login ${delegateLogin} is the mailbox of ${describePerson(ctx, person)}, whose login is ${loginOf(person)}`);
  if (person.disabled) return fail(`delegate ${describePerson(ctx, person)} is disabled in the directory`);
  if (person.ou !== organisation.ou)
    return fail(`delegate ${describePerson(ctx, person)} is not of organisation ${organisation.ou} of ${mailbox} (${organisation.evidence})`);
}

function checkAcl(ctx: PolicyContext, acl: AclView, decls: Map<string, ContextDeclarations>, report: ReportViolation): void {
  const name = acl.resourceName;
  if (acl.unknown.length > 0) return report(plainMessage(`delegation ${name}: ${unknownText("ConfigMap", acl.unknown)}`), acl.urn);
  if (acl.problem) return report(plainMessage(`delegation ${name} cannot be read: ${acl.problem}`), acl.urn);
  if (!acl.context) return report(plainMessage(`delegation ${name} has no ${K8S.labelContext} label: which Dovecot it applies to is unknown`), acl.urn);
  // Stryker disable next-line StringLiteral: equivalent, script is missing only with a problem or an unknown value, both reported above
  const reading = readAclScript(acl.script ?? "");
  for (const problem of reading.problems)
    report(plainMessage(`delegation ${name} ${K8S.aclScriptKey}: ${problem} (only the rendered grant lines are accepted)`), acl.urn);
  const say = (mailbox: string, who: string | undefined, text: string) => report(mailboxMessage(mailbox, who, text), acl.urn);
  for (const grant of reading.grants) checkGrant(ctx, acl, grant, decls, say);
}

export const delegationWithinOrganisation: StackValidationPolicy = {
  name: "delegation-within-organisation",
  description:
    "Checks whether every doveadm ACL grant on a shared, room or equipment mailbox gives only sane rights on that mailbox to an enabled person of its own organisation with a personal mailbox in the same context.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: resourcesValidation((ctx, resources, report) => {
    const acls = resources.filter(isAclGrants);
    // Stryker disable next-line ConditionalExpression: equivalent, a shortcut: without ACLs the loop below reports nothing
    if (acls.length === 0) return;
    const decls = declarations(resources);
    for (const r of acls) checkAcl(ctx, aclView(r), decls, report);
  }),
};
