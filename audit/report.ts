// The audit's report: who holds whose mail, how many messages, sent when. Counts and dates only:
// no subject, address of a correspondent or body is ever printed.
import type { AuditResult, TargetVerdict } from "@oxmig/core/audit";
import type { OutputFormat } from "@oxmig/core/output-format";
import { foundForeign, incomplete } from "@oxmig/core/audit";
import { escapeMarkdown as md } from "@oxmig/core/markdown-text";

export type AuditFormat = Extract<OutputFormat, "text" | "json" | "markdown">;

export interface AuditReportInput {
  readonly title: string;
  readonly result: AuditResult;
}

function day(ms: number | undefined): string {
  return ms === undefined ? "undated" : new Date(ms).toISOString().slice(0, 10);
}

function span(first: number | undefined, last: number | undefined): string {
  if (first === undefined) return "undated";
  return last === undefined || day(first) === day(last) ? `sent ${day(first)}` : `sent ${day(first)} … ${day(last)}`;
}

/** One line per target that is not simply clean, worst first; clean ones are counted. */
function lines(v: TargetVerdict): string[] {
  if (v.status === "unreadable") return [`NOT READ  ${v.reader}: ${v.why}`];
  const extra = v.unattributed ? `, ${v.unattributed} from no audited source (e.g. mail since cut-over)` : "";
  if (v.status === "clean") return [`ok        ${v.reader}: ${v.own} own message(s)${extra}`];
  const held = v.foreign.map((f) => `          holds ${f.messages.length} message(s) of ${f.owner}, ${span(f.firstSent, f.lastSent)}`);
  if (v.status === "adoptable")
    return [`UNDECLARED ${v.reader}: all of its attributed mail is one person's; declare it in the plan to adopt it${extra}`, ...held];
  if (v.status === "mixed") return [`MIXED     ${v.reader}: holds several people's mail; declare its owner in the plan before cleaning${extra}`, ...held];
  return [`FOREIGN   ${v.reader}: ${v.own} own message(s)${extra}`, ...held];
}

const RANK: Record<TargetVerdict["status"], number> = { foreign: 0, mixed: 1, unreadable: 2, adoptable: 3, clean: 4 };

export function summary(result: AuditResult): string {
  const bad = result.verdicts.filter((v) => v.status === "foreign" || v.status === "mixed");
  const messages = bad.reduce((n, v) => n + ("foreign" in v ? v.foreign.reduce((m, f) => m + f.messages.length, 0) : 0), 0);
  const notRead = result.verdicts.filter((v) => v.status === "unreadable").length + result.unreadableSources.length;
  const verdict = foundForeign(result) ? "FOREIGN MAIL FOUND" : incomplete(result) ? "INCOMPLETE" : "CLEAN";
  return `${verdict}: ${bad.length} of ${result.verdicts.length} target mailbox(es) hold someone else's mail (${messages} message(s)); ${result.sourcesRead} source(s) read${notRead ? `; ${notRead} mailbox(es) could not be read` : ""}`;
}

function sorted(result: AuditResult): TargetVerdict[] {
  return [...result.verdicts].sort((a, b) => RANK[a.status] - RANK[b.status] || a.reader.localeCompare(b.reader));
}

function text({ title, result }: AuditReportInput): string {
  const sourceLines = result.unreadableSources.map((s) => `NOT READ  source of ${s.owner}: ${s.why}`);
  return [title, "", ...sorted(result).flatMap(lines), ...sourceLines, "", summary(result), ""].join("\n");
}

function markdown({ title, result }: AuditReportInput): string {
  const rows = sorted(result)
    .filter((v) => v.status !== "clean")
    .flatMap((v) =>
      v.status === "unreadable"
        ? [`| not read | ${md(v.reader)} | ${md(v.why)} | | |`]
        : v.foreign.map((f) => `| ${v.status} | ${md(v.reader)} | ${md(f.owner)} | ${f.messages.length} | ${span(f.firstSent, f.lastSent)} |`),
    );
  return [
    `## ${md(title)}`,
    "",
    `**${md(summary(result))}**`,
    "",
    ...(rows.length ? ["| status | mailbox of | holds mail of | messages | dates |", "|---|---|---|---:|---|", ...rows, ""] : []),
    ...result.unreadableSources.map((s) => `- source of ${md(s.owner)} not read: ${md(s.why)}`),
    "",
  ].join("\n");
}

function json({ title, result }: AuditReportInput): string {
  const verdicts = sorted(result).map((v) =>
    v.status === "unreadable"
      ? v
      : {
          ...v,
          foreign: v.foreign.map(({ messages, ...f }) => ({
            ...f,
            count: messages.length,
            ...(f.firstSent !== undefined ? { firstSent: new Date(f.firstSent).toISOString() } : {}),
            ...(f.lastSent !== undefined ? { lastSent: new Date(f.lastSent).toISOString() } : {}),
          })),
        },
  );
  return `${JSON.stringify({ title, summary: summary(result), foreignFound: foundForeign(result), incomplete: incomplete(result), sourcesRead: result.sourcesRead, unreadableSources: result.unreadableSources, verdicts }, null, 2)}\n`;
}

export function formatAudit(input: AuditReportInput, format: AuditFormat): string {
  return format === "json" ? json(input) : format === "markdown" ? markdown(input) : text(input);
}
