// `oxmig audit --adoptions FILE`: which OX users that already exist each selected mailbox takes over,
// by evidence (core/adoption.ts), and the adoption file the program reads (core/adoption-file.ts).
// Read-only towards OX and the targets: it lists OX users and uses what the audit already read.
import { incomplete } from "@oxmig/core/audit";
import { adoptionsOf, renderAdoptionFile, type Adoption } from "@oxmig/core/adoption-file";
import { decideAdoptions, oxUserLabel, type AdoptionDecision, type OxUserFacts, type TargetHolding } from "@oxmig/core/adoption";
import { UsageError } from "@oxmig/core/errors";
import { escapeMarkdown as md } from "@oxmig/core/markdown-text";
import type { Binding, ContextSpec } from "@oxmig/core/model";
import type { SourceEvidence } from "@oxmig/core/source-ownership";
import { OX_ENV, resolveConnection } from "../infra/ox/connection";
import type { OxConnection } from "../infra/ox/soap-client";
import { mapLimited } from "../rehearsal/migration/map-limited";
import { expectedFromEvidence } from "../rehearsal/verification/types";
import type { AuditFormat } from "./report";
import { listContextUsers } from "./ox-users";
import type { AuditRun } from "./run-audit";

/**
 * The OX connection from the OXMIG_OX_* variables (docs/program.md, "OX connection"), refused before
 * any work when incomplete: listing users needs the context admin (OX lets no one else read several users).
 */
export function adoptionConnection(env: Readonly<Record<string, string | undefined>>): OxConnection {
  if (!env[OX_ENV.endpoint])
    throw new UsageError(
      `--adoptions reads the OX users through SOAP: set ${OX_ENV.endpoint}, ${OX_ENV.adminPassword}, ${OX_ENV.contextAdminUser} and ${OX_ENV.contextAdminPassword}`,
    );
  const resolved = resolveConnection(env as NodeJS.ProcessEnv);
  if (!resolved.connection) throw new UsageError(`--adoptions: ${resolved.problems.map((p) => p.reason).join("; ")}`);
  if (!resolved.connection.contextAdminUser) {
    throw new UsageError(
      `--adoptions: set ${OX_ENV.contextAdminUser} and ${OX_ENV.contextAdminPassword}: OX lets only the context admin read several users (OXUser.getData), not the master admin`,
    );
  }
  return resolved.connection;
}

export interface AdoptionAuditInput {
  readonly run: AuditRun;
  /** The selected mailboxes. */
  readonly bindings: readonly Binding[];
  /** The plan's contexts (their fixed ids). */
  readonly contexts: readonly ContextSpec[];
  readonly evidence: SourceEvidence;
  readonly connection: OxConnection;
}

export interface AdoptionAudit {
  readonly decisions: readonly AdoptionDecision[];
  readonly adoptions: readonly Adoption[];
  /** Contexts whose users could not be listed. */
  readonly unlisted: readonly { readonly context: string; readonly error: string }[];
  /** Why no file may be written: a user not seen, or a target not read, could be a second candidate. */
  readonly incompleteBecause?: string;
  /** Reader (person first) of each selected mailbox, by mailboxId. */
  readonly readers: ReadonlyMap<string, string>;
}

export async function auditAdoptions(input: AdoptionAuditInput): Promise<AdoptionAudit> {
  const expected = expectedFromEvidence(input.bindings, input.evidence);
  const names = [...new Set(input.bindings.map((b) => b.context))].sort();
  const ids = new Map(input.contexts.map((c) => [c.name, c.id]));
  const listings = await mapLimited(names, 2, (name) => {
    const id = ids.get(name);
    return listContextUsers(input.connection, { name, ...(id !== undefined ? { id } : {}) });
  });
  const users: OxUserFacts[] = listings.flatMap((l) => ("users" in l ? l.users : []));
  const unlisted = listings.flatMap((l) => ("error" in l ? [{ context: l.context, error: l.error }] : []));
  const targets = new Map<string, TargetHolding>(
    input.run.targets.map((t) => [t.login, t.readError !== undefined ? { readError: t.readError } : { messages: t.messages }]),
  );
  const decisions = decideAdoptions({
    bindings: input.bindings,
    rightfulSources: new Map(expected.map((m) => [m.mailboxId, m.sourceExchangeGuids])),
    users,
    targets,
    index: input.run.index,
    sourceOwners: input.run.sourceOwners,
  });
  const why = unlisted.length
    ? `the OX users of ${unlisted.length} context(s) could not be listed`
    : incomplete(input.run)
      ? "the audit is incomplete (a target or source was not read): an unread mailbox could be a second candidate"
      : undefined;
  return {
    decisions,
    adoptions: adoptionsOf(decisions),
    unlisted,
    ...(why ? { incompleteBecause: why } : {}),
    readers: new Map(expected.map((m) => [m.mailboxId, m.reader])),
  };
}

/** The file's text, or undefined when the audit may not write one. */
export function adoptionFileText(stack: string, audit: AdoptionAudit): string | undefined {
  return audit.incompleteBecause ? undefined : renderAdoptionFile(stack, audit.adoptions);
}

/** "OX user 17 in context im (name "x", imapLogin "y"), which OX calls Lea Alt <lea@…>": OX's own claims, shown after the evidence. */
function oxUserText(u: OxUserFacts): string {
  const claims = [u.name !== undefined && `name "${u.name}"`, u.imapLogin !== undefined && `imapLogin "${u.imapLogin}"`].filter(Boolean).join(", ");
  const calls = u.displayName || u.primaryEmail ? `, which OX calls ${u.displayName ?? ""} <${u.primaryEmail ?? "no address"}>` : "";
  return `${oxUserLabel(u)}${claims ? ` (${claims})` : ""}${calls}`;
}

function evidenceText(d: Extract<AdoptionDecision, { status: "adopted" }>): string {
  return d.evidence === "attribute"
    ? `carries this mailbox's oxmig/mailbox-id (${d.messages} message(s) in its target)`
    : `all ${d.messages} message(s) of its target come from this person's own source(s)`;
}

function summaryOf(audit: AdoptionAudit, file: string | undefined): string {
  const adopted = audit.decisions.filter((d) => d.status === "adopted").length;
  const where = audit.incompleteBecause ? `NO ADOPTION FILE WRITTEN: ${audit.incompleteBecause}` : file ? `adoption file ${file}` : "";
  return `ADOPTION: ${adopted} of ${audit.decisions.length} OX user(s) adopted by evidence, ${audit.decisions.length - adopted} not adopted${where ? `; ${where}` : ""}`;
}

/** Adopted users first; each line names the person (by the exports) before the OX user. */
function textLines(audit: AdoptionAudit): string[] {
  const sorted = [...audit.decisions].sort((a, b) => (a.status === b.status ? 0 : a.status === "adopted" ? -1 : 1));
  return [
    ...sorted.flatMap((d) => {
      const person = d.mailboxId !== undefined ? audit.readers.get(d.mailboxId) : undefined;
      if (d.status === "adopted") return [`ADOPT       ${person}: takes over ${oxUserText(d.user)}; ${evidenceText(d)}`];
      return [`NOT ADOPTED ${person ? `${person}: ` : ""}${oxUserText(d.user)}: ${d.reason}`];
    }),
    ...audit.unlisted.map((u) => `NOT LISTED  OX users of context ${u.context}: ${u.error}`),
  ];
}

/** The adoption part of the audit report, in the audit's format; for json, merged into the audit's object. */
export function formatAdoptions(auditReport: string, audit: AdoptionAudit, format: AuditFormat, file: string | undefined): string {
  const summary = summaryOf(audit, file);
  if (format === "json") {
    const decisions = audit.decisions.map((d) => ({
      status: d.status,
      person: d.mailboxId !== undefined ? audit.readers.get(d.mailboxId) : undefined,
      mailboxId: d.mailboxId,
      oxUser: { context: d.user.contextName, contextId: d.user.contextId, userId: d.user.userId, name: d.user.name, imapLogin: d.user.imapLogin },
      ...(d.status === "adopted" ? { evidence: d.evidence, messages: d.messages } : { reason: d.reason }),
    }));
    const merged = {
      ...(JSON.parse(auditReport) as object),
      adoption: { summary, file: file ?? null, written: !audit.incompleteBecause, decisions, unlisted: audit.unlisted },
    };
    return `${JSON.stringify(merged, null, 2)}\n`;
  }
  if (format === "markdown") {
    const rows = textLines(audit).map((line) => `- ${md(line.replace(/\s+/, " "))}`);
    return [auditReport.trimEnd(), "", "### Adoption of existing OX users", "", `**${md(summary)}**`, "", ...rows, ""].join("\n");
  }
  return [auditReport.trimEnd(), "", ...textLines(audit), "", summary, ""].join("\n");
}
