// The review as a pull-request comment. Re-bindings come first and unfolded, each headed by its
// source and the two people, with the export lines that say whose the source is. Everything taken
// from the inputs is escaped: a display name cannot inject Markdown into the comment.
import { appendAll } from "./append";
import type { ContainmentChange } from "./containment-changes";
import type { LockEntry } from "./lock";
import type { FieldChange, LockChange } from "./lock-diff";
import { fieldText, type PeopleLookup } from "./lock-people";
import { remigrationText } from "./remigration-changes";
import { escapeMarkdown as md } from "./markdown-text";
import type { ExportsVerdict, Rebinding, Review } from "./review";

/** At most this many entries per folded list (the comment must stay postable). */
const LIST_LIMIT = 500;

/** "Maria Müller (mmueller, fa-luebeck)", or the functional mailbox: who a reviewer knows. */
function who(e: LockEntry, people: PeopleLookup): string {
  if (e.owner) {
    const p = people.personById.get(e.owner.id);
    return p ? `${p.displayName} (${p.uid}, ${p.ou})` : `${e.owner.uid} (not in the directory)`;
  }
  const source = people.sourceByGuid.get(e.source.exchangeGuid);
  return `${e.kind} mailbox "${source?.displayName ?? e.source.address}"`;
}

/** "maria.mueller@fa-luebeck.example → Maria Müller (mmueller, fa-luebeck)", escaped. */
function label(e: LockEntry, people: PeopleLookup): string {
  return md(`${e.source.address} → ${who(e, people)}`);
}

const VERDICT: Record<ExportsVerdict, (r: Rebinding, people: PeopleLookup) => string> = {
  "previous-owner": (r, p) => `⚠ **The exports say this source belongs to ${md(who(r.before, p))}, not to the new owner.**`,
  "new-owner": (r, p) => `The exports say this source belongs to the new owner ${md(who(r.after, p))}.`,
  "someone-else": (r, p) => {
    const source = p.sourceByGuid.get(r.after.source.exchangeGuid);
    const holder = source ? p.ownerOf(source)?.person : undefined;
    return `⚠ **The exports say this source belongs to ${md(holder ? `${holder.displayName} (${holder.uid}, ${holder.ou})` : "someone else")}, neither of the two.**`;
  },
  nobody: () => "⚠ **The exports tie this source to nobody in the directory.**",
  functional: () => "This source is not a personal mailbox.",
};

/** Fields that follow from the owner (shown once, in the headline). */
const FOLLOW_THE_OWNER = new Set(["mailbox", "owner", "login", "home", "key"]);

function fieldLine(f: FieldChange, change: LockChange, people: PeopleLookup): string {
  return `  - changes ${md(fieldText(f, change, people))}`;
}

function rebindingLines(r: Rebinding, people: PeopleLookup): string[] {
  const change: LockChange = { change: "rebound", mailbox: r.after.mailbox, locked: r.before, declared: r.after, fields: r.fields };
  const samePerson = r.before.mailbox === r.after.mailbox;
  const headline = samePerson
    ? `- **${md(r.source)}** now goes to ${md(who(r.after, people))}, who had ${md(r.before.source.address)}`
    : `- **${md(r.source)}**: ${md(who(r.before, people))} → **${md(who(r.after, people))}**`;
  return [
    headline,
    `  - ${VERDICT[r.verdict](r, people)}`,
    ...r.evidence.map((e) => `  - ${md(e)}`),
    ...(samePerson ? [] : [`  - mailbox id ${md(r.before.mailbox)} → ${md(r.after.mailbox)} (home and key follow the id)`]),
    ...r.fields.filter((f) => !FOLLOW_THE_OWNER.has(f.field)).map((f) => fieldLine(f, change, people)),
  ];
}

/** Whose login is blocked or opened again, and the reason, each from the inputs and escaped. */
function containmentLine(c: ContainmentChange, people: PeopleLookup): string {
  const whom = `${label(c.entry, people)} (context ${md(c.entry.context)}, login ${md(c.entry.login)})`;
  switch (c.change) {
    case "contained":
      return `- ⛔ **contained** ${whom}: ${md(c.reason)}`;
    case "released":
      return `- **released** ${whom}${c.leftPlan ? ", the mailbox left the plan" : ""}; was contained: ${md(c.reason)}`;
    case "reason":
      return `- **containment reason changed** ${whom}: ${md(c.previousReason ?? "")} → ${md(c.reason)}`;
  }
}

function changedLines(c: LockChange, people: PeopleLookup): string[] {
  return [`- ${label(c.declared!, people)}`, ...c.fields.map((f) => fieldLine(f, c, people))];
}

/**
 * The comment: `intro` (base and verdict, already Markdown) under the title, the re-bindings right
 * after the counts, `appendix` (e.g. the gate's findings, already Markdown) at the end.
 */
export function renderReviewMarkdown(stack: string, review: Review, intro?: string, appendix: readonly string[] = []): string {
  const { people } = review;
  const lines = [`## Binding review: stack ${md(stack)}`, ""];
  if (intro) lines.push(intro, "");
  lines.push(
    `| re-bound | added | removed | changed | keys created | keys rotated | keys orphaned | contained | released |`,
    `|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
    `| ${review.rebound.length} | ${review.added.length} | ${review.removed.length} | ${review.changed.length} | ${review.keysCreated.length} | ${review.keysRotated.length} | ${review.keysOrphaned.length} | ${count(review.containment, "contained")} | ${count(review.containment, "released")} |`,
    "",
  );
  for (const group of review.sharedIds) {
    const sources = group.map((e) => md(e.source.address)).join(" and ");
    lines.push(
      `⚠ **${md(who(group[0]!, people))} is named owner of ${group.length} mailboxes (${sources}).** One mailbox id is one home and one key: \`oxmig lock\` refuses this until one owner: line is corrected.`,
      "",
    );
  }
  if (review.rebound.length) {
    lines.push(`### ⚠ Re-bindings (${review.rebound.length}): a source mailbox now goes to another person — check each one`, "");
    for (const r of review.rebound) appendAll(lines, rebindingLines(r, people));
    lines.push("");
  }
  if (review.containment.length) {
    lines.push(
      `### ⛔ Containment (${review.containment.length}): logins blocked or opened again — check each one`,
      "",
      "A contained login is refused by Dovecot (the context's deny list) and its OX user is disabled; mail keeps arriving and the cleanup keeps working. A wrong line locks a person out, or lets someone read foreign mail again.",
      "",
    );
    for (const c of review.containment) lines.push(containmentLine(c, people));
    lines.push("");
  }
  if (review.remigrations.length) {
    lines.push(
      `### ↻ Re-migrations (${review.remigrations.length}): the Job imports a source's mail into a mailbox — check each one`,
      "",
      "After a wrong pairing was cleaned, the wave's migration Job imports from this source what the target lacks (docs/incident.md, 4–5). A wrong line pours someone else's mail into this mailbox.",
      "",
    );
    for (const c of review.remigrations) lines.push(`- ${md(remigrationText(c, people))}`);
    lines.push("");
  }
  if (review.changed.length) {
    lines.push(`### Changed mailboxes (${review.changed.length}): same person, same source`, "");
    for (const c of review.changed.slice(0, LIST_LIMIT)) appendAll(lines, changedLines(c, people));
    if (review.changed.length > LIST_LIMIT) lines.push(`- … and ${review.changed.length - LIST_LIMIT} more`);
    lines.push("");
  }
  if (review.keysRotated.length || review.keysOrphaned.length) {
    lines.push("### ⚠ Keys", "", "Mail encrypted with a rotated or dropped key can never be read again.", "");
    for (const k of review.keysRotated) lines.push(`- rotated: ${md(k)}`);
    for (const k of review.keysOrphaned) lines.push(`- mailbox left the plan, key must be kept: ${md(k)}`);
    lines.push("");
  }
  if (review.phaseChanges.length) {
    lines.push("### Phase changes (per mailbox)", "");
    for (const c of review.phaseChanges.slice(0, LIST_LIMIT)) {
      const from = c.before ? `${c.before.phase} (wave ${md(c.before.wave)})` : "never copied";
      const warn = c.needs
        ? ` ⚠ needs \`${c.needs}\`${c.needs === "phaseRollback" ? ": the next backup -R expunges mail delivered to the target" : ": a step is skipped"}`
        : "";
      lines.push(`- ${label(c.entry, people)}: ${from} → ${c.after.phase} (wave ${md(c.after.wave)})${warn}`);
    }
    if (review.phaseChanges.length > LIST_LIMIT) lines.push(`- … and ${review.phaseChanges.length - LIST_LIMIT} more`);
    lines.push("");
  }
  const list = (title: string, entries: readonly LockEntry[]) => {
    if (!entries.length) return;
    lines.push(`<details><summary>${title} (${entries.length})</summary>`, "");
    for (const e of entries.slice(0, LIST_LIMIT)) lines.push(`- ${label(e, people)}, wave ${md(e.wave)}, mailbox id ${md(e.mailbox)}`);
    if (entries.length > LIST_LIMIT) lines.push(`- … and ${entries.length - LIST_LIMIT} more`);
    lines.push("", "</details>", "");
  };
  list("Added mailboxes", review.added);
  list("Removed mailboxes", review.removed);
  if (
    !review.added.length &&
    !review.removed.length &&
    !review.rebound.length &&
    !review.changed.length &&
    !review.containment.length &&
    !review.remigrations.length
  )
    lines.push("No binding changes.", "");
  if (appendix.length) appendAll(lines, [...appendix, ""]);
  return lines.join("\n");
}

function count(changes: readonly ContainmentChange[], kind: ContainmentChange["change"]): number {
  return changes.filter((c) => c.change === kind).length;
}
