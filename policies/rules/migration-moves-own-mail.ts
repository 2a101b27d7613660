// The migration as executed (core/executed-migration.ts): what each Job's container really runs,
// with doveadm's own argv semantics, judged against the exports — never against pairings.json, which
// only says what the program meant. A crossed pair line, a second `-o imapc_user=`, an inline command
// or a remapped script all put one person's mail into another person's mailbox. So does a Job whose
// Dovecot resolves `-u` through another context's userdb, or maps a home onto another's directory.
// The Jobs are Indexed Jobs: each run carries the index whose pod runs it, and a Job whose indexes are
// not exactly the table's (offset, overridden JOB_COMPLETION_INDEX, completions, parallelism 0, a loop
// over all pairs) is rejected by the reader (core/executed-migration.ts, core/indexed-job.ts).
import type { ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { TYPES } from "@oxmig/core/contract";
import { readExecutedMigration, type ExecutedRun } from "@oxmig/core/executed-migration";
import type { MailboxKind, Person, SourceMailbox } from "@oxmig/core/model";
import { declaredConfigMap } from "@oxmig/core/pod-files";
import { configSchema, type PolicyContext } from "../config";
import { describePerson, describeSource, expectedMailboxId, ownerOf, RECIPIENT_TYPE_OF, unknownAmong } from "../support/identity";
import { mailboxLabel, mailboxList, mailboxMessage, plainMessage, unknownText, userMessage } from "../support/report";
import { oxUserView, type OxUserView } from "../support/resources";
import { resourcesValidation } from "../support/rule";
import { groupBy } from "../support/stack";
import { matchSource } from "../support/source-match";
import { mountedUserdb, resolutionProblems } from "../support/executed-userdb";
import { at, isUnknown, rawProps } from "../support/unknowns";

const RULE = "migration-moves-own-mail";

interface Evidence {
  readonly ctx: PolicyContext;
  /** Lower-cased Dovecot login → declared OX users (logins are compared as Dovecot lower-cases them; unverified for every config). */
  readonly usersByLogin: Map<string, OxUserView[]>;
  readonly unknownLogins: number;
  /** Lower-cased UserPrincipalName → sources (Exchange logins are case-insensitive). */
  readonly sourcesByUpn: Map<string, SourceMailbox[]>;
  readonly sourcesByOwner: Map<string, SourceMailbox[]>;
}

function evidenceOf(ctx: PolicyContext, users: readonly OxUserView[]): Evidence {
  return {
    ctx,
    usersByLogin: groupBy(users, (u) => u.imapLogin?.toLowerCase()),
    unknownLogins: users.filter((u) => u.imapLogin === undefined).length,
    sourcesByUpn: groupBy(ctx.exchange.sources, (s) => s.userPrincipalName.toLowerCase()),
    sourcesByOwner: groupBy(ctx.exchange.sources, (s) => s.ownerGuid),
  };
}

/** The sources whose mail belongs in `user`, by the exports alone. */
function ownSources(ev: Evidence, user: OxUserView, owner: Person | undefined, mailboxId: string): SourceMailbox[] {
  if (user.kind === "personal") {
    // Stryker disable next-line ConditionalExpression,ArrayDeclaration: equivalent, checkRun only gets here with a mailbox id, which for a personal mailbox is its owner's
    if (!owner) return [];
    // Stryker disable next-line ArrayDeclaration: equivalent, a filler element has no type and is filtered out
    if (owner.objectGuid !== undefined) return (ev.sourcesByOwner.get(owner.objectGuid) ?? []).filter((s) => s.type === "UserMailbox");
    // Without an objectGUID: the sources tied by primary address and UPN (source-match.ts), whatever the plan declared.
    // Stryker disable next-line ArrayDeclaration: equivalent, a filler element has no type and is filtered out
    const byMail = owner.mail ? (ev.ctx.exchange.byAddress.get(owner.mail.normalised) ?? []) : [];
    return byMail.filter((s) => s.type === "UserMailbox" && matchSource(ev.ctx, owner, s).strength !== "none");
  }
  const source = ev.ctx.exchange.byGuid.get(mailboxId);
  return source && source.type === RECIPIENT_TYPE_OF[user.kind as MailboxKind] ? [source] : [];
}

/** "Exchange mailbox x@y (…) of directory uid z (…)" */
function sourceText(ev: Evidence, login: string): string {
  const found = ev.sourcesByUpn.get(login.toLowerCase()) ?? [];
  if (found.length === 0) return `"${login}", which is no UserPrincipalName in ${ev.ctx.exchange.file}`;
  return found.map((s) => `"${login}" = ${describeSource(ev.ctx, s)} of ${sourcePerson(ev.ctx, s)}`).join(" and ");
}

/** Whose a source is: by AD objectGUID, else the person tied to it by address and UPN (source-match.ts). */
function sourcePerson(ctx: PolicyContext, s: SourceMailbox): string {
  const strong = ctx.directory.byObjectGuid.get(s.ownerGuid);
  if (strong) return describePerson(ctx, strong);
  const weak = (ctx.directory.byAddress.get(s.primarySmtp.normalised) ?? []).filter((p) => matchSource(ctx, p, s).strength === "weak");
  if (weak.length) return `${weak.map((p) => describePerson(ctx, p)).join(" or ")} (by address and UPN)`;
  return `AD account ${s.ownerGuid} (not in the directory)`;
}

function targetText(ev: Evidence, user: OxUserView, owner: Person | undefined): string {
  const whose = owner ? describePerson(ev.ctx, owner) : `the ${user.kind ?? "unknown-kind"} mailbox itself`;
  return `mailbox ${mailboxLabel(user)} of ${whose}`;
}

/** Checks one run; returns the mailbox it writes into, when it could be told. */
function checkRun(ev: Evidence, job: string, urn: string, run: ExecutedRun, report: ReportViolation): OxUserView | undefined {
  const where = `Job ${job} (${run.origin})`;
  const loose = (text: string) => report(mailboxMessage(run.mailboxId ?? run.targetLogin ?? "unnamed", undefined, `${where} ${text}`), urn);
  if (run.targetLogin === undefined) {
    for (const p of run.problems) loose(p);
    return undefined;
  }
  const users = ev.usersByLogin.get(run.targetLogin.toLowerCase()) ?? [];
  if (users.length !== 1) {
    const unknown = ev.unknownLogins ? ` (${ev.unknownLogins} OX users have a login unknown at preview)` : "";
    loose(
      `copies into target login "${run.targetLogin}", which ${users.length ? `${users.length} declared mailboxes log in with: ${mailboxList(users)}` : `no declared mailbox logs in with${unknown}`}; a run may only write into one declared mailbox`,
    );
    for (const p of run.problems) loose(p);
    return undefined;
  }
  const user = users[0]!;
  const owner = user.kind === "personal" ? ownerOf(ev.ctx, user) : undefined;
  const fail = (text: string) => report(userMessage(user, `${where} ${text}`, owner?.uid), urn);
  for (const p of run.problems) fail(p);
  const unknown = unknownAmong(user.unknown, ["userAttributes", "imapLogin"]);
  if (unknown.length) return (fail(unknownText("OX user", unknown)), user);
  const mailboxId = expectedMailboxId(ev.ctx, user);
  if (mailboxId === undefined) {
    return (
      fail(
        `copies into target login "${run.targetLogin}", whose ${user.kind === "personal" ? `owner id ${user.ownerId ?? "(none)"} is not in ${ev.ctx.directory.file}` : `source ExchangeGuid ${user.sourceGuid ?? "(none)"} is not in ${ev.ctx.exchange.file}`}; the run cannot be checked`,
      ),
      user
    );
  }
  if (run.mailboxId !== undefined && run.mailboxId !== mailboxId) {
    fail(
      `is the pair line of mailbox id ${run.mailboxId}, but it copies into target login "${run.targetLogin}" = ${targetText(ev, user, owner)}, whose mailbox id is ${mailboxId}`,
    );
  }
  if (run.sourceLogin === undefined) return user;
  const own = ownSources(ev, user, owner, mailboxId);
  if (own.some((s) => s.userPrincipalName.toLowerCase() === run.sourceLogin!.toLowerCase())) return user;
  const expected = own.length
    ? own.map((s) => `${s.userPrincipalName} (${describeSource(ev.ctx, s)})`).join(" or ")
    : "no Exchange source the exports tie to it";
  fail(
    `copies source imapc_user ${sourceText(ev, run.sourceLogin)} into target login "${run.targetLogin}" = ${targetText(ev, user, owner)}; its own source is ${expected}`,
  );
  return user;
}

export const migrationMovesOwnMail: StackValidationPolicy = {
  name: RULE,
  description:
    "Checks whether every doveadm run the migration Jobs really execute, index by index, copies each target mailbox's own Exchange source into it, as the exports (not pairings.json) say, resolving each target through its own context's declared userdb.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: resourcesValidation((ctx, resources, report) => {
    const configMaps = resources.filter((r) => r.type === TYPES.configMap).map((r) => declaredConfigMap(rawProps(r.props), r.name));
    const ev = evidenceOf(ctx, resources.filter((r) => r.type === TYPES.oxUser).map(oxUserView));
    const written = new Map<OxUserView, string[]>();
    for (const job of resources.filter((r) => r.type === TYPES.job)) {
      const executed = readExecutedMigration({ name: job.name, props: rawProps(job.props) }, configMaps, isUnknown);
      for (const p of executed.problems)
        report(
          plainMessage(`Job ${job.name} of wave ${executed.wave} (rule ${RULE}): the migration as executed cannot be checked, so the plan is rejected: ${p}`),
          job.urn,
        );
      // `-u` resolves through the userdb the Job's Dovecot mounts (support/executed-userdb.ts).
      const namespace = at(rawProps(job.props), "metadata", "namespace");
      const userdb = executed.userdb && mountedUserdb(resources, executed.userdb, typeof namespace === "string" ? namespace : undefined);
      const storages = new Set<string>();
      for (const run of executed.runs) {
        const user = checkRun(ev, job.name, job.urn, run, report);
        if (!user) continue;
        for (const p of resolutionProblems(executed, run, user, userdb, storages))
          report(userMessage(user, `Job ${job.name} (${run.origin}) ${p}`, ownerOf(ctx, user)?.uid), job.urn);
        written.set(user, [...(written.get(user) ?? []), `Job ${job.name} (${run.origin})`]);
        if (executed.problems.length)
          report(
            userMessage(
              user,
              `Job ${job.name} (${run.origin}) writes into this mailbox, but the Job is not exactly the rendered migration (see its findings)`,
              ownerOf(ctx, user)?.uid,
            ),
            job.urn,
          );
      }
      if (storages.size > 1)
        report(
          plainMessage(
            `Job ${job.name} of wave ${executed.wave} (rule ${RULE}): its homes land in ${storages.size} different mounts (${[...storages].join(", ")}); one Job writes into one mail storage mounted whole`,
          ),
          job.urn,
        );
    }
    for (const [user, runs] of written) {
      if (runs.length > 1)
        report(
          userMessage(user, `${runs.length} doveadm runs write into this mailbox (${runs.join("; ")}); each target gets at most one`, ownerOf(ctx, user)?.uid),
          user.urn,
        );
    }
  }),
};
