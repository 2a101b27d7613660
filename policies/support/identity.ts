// Looking up a declared mailbox's people and sources in the authoritative exports.
import type { PolicyContext } from "../config";
import type { MailboxKind, Person, RecipientType, SourceMailbox } from "@oxmig/core/model";
import { lineRef } from "./report";
import { CONTEXT_EXCEPTION, type OxUserView } from "./resources";

export const KINDS: readonly MailboxKind[] = ["personal", "shared", "room", "equipment"];

export const RECIPIENT_TYPE_OF: Record<MailboxKind, RecipientType> = {
  personal: "UserMailbox",
  shared: "SharedMailbox",
  room: "RoomMailbox",
  equipment: "EquipmentMailbox",
};

export function ownerOf(ctx: PolicyContext, user: OxUserView): Person | undefined {
  // Stryker disable next-line ConditionalExpression: equivalent, byId.get(undefined) is undefined too
  return user.ownerId !== undefined ? ctx.directory.byId.get(user.ownerId) : undefined;
}

export function sourceOf(ctx: PolicyContext, user: OxUserView): SourceMailbox | undefined {
  // Stryker disable next-line ConditionalExpression: equivalent, byGuid.get(undefined) is undefined too
  return user.sourceGuid !== undefined ? ctx.exchange.byGuid.get(user.sourceGuid) : undefined;
}

/** "directory uid jschmidt (ou luebeck, directory.ldif line 412)" */
export function describePerson(ctx: PolicyContext, p: Person): string {
  return `directory uid ${p.uid} (id ${p.immutableId}, ou ${p.ou}, ${lineRef(ctx.directory.file, p.line)})`;
}

/** "Exchange mailbox x@y (ExchangeGuid …, exchange.csv line 7)" */
export function describeSource(ctx: PolicyContext, s: SourceMailbox): string {
  return `Exchange mailbox ${s.primarySmtp.display} (ExchangeGuid ${s.exchangeGuid}, ${lineRef(ctx.exchange.file, s.line)})`;
}

/** The login the directory implies for a personal mailbox: the owner's uid, lower-cased like OX does. */
export function loginOf(p: Person): string {
  return p.uid.toLowerCase();
}

/** The mailbox id the exports imply: the owner's immutable id, or the source ExchangeGuid. */
export function expectedMailboxId(ctx: PolicyContext, user: OxUserView): string | undefined {
  return user.kind === "personal" ? ownerOf(ctx, user)?.immutableId : sourceOf(ctx, user)?.exchangeGuid;
}

/** Unknown paths of a view that start with one of the prefixes a rule reads. */
export function unknownAmong(unknown: readonly string[], prefixes: readonly string[]): string[] {
  return unknown.filter((path) => prefixes.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`)));
}

/** Contexts serving an organisation: those mapped to it in the pack config, else the one named like it. */
export function contextsServing(config: PolicyContext["config"], ou: string): string[] {
  const mapped = Object.entries(config.contextOrganisations)
    .filter(([, org]) => org === ou)
    .map(([context]) => context);
  return mapped.length > 0 ? mapped : [ou];
}

/**
 * A context exception counts only as a reviewed decision: with a lock, the reviewer must have approved
 * this mailbox in this very context for this very reason (the lock records the plan's reason).
 */
export function unreviewedException(ctx: PolicyContext, user: OxUserView): string | undefined {
  if (!ctx.lock) return undefined;
  const entry = ctx.lock.lock.mailboxes.find((e) => e.mailbox === user.mailboxId);
  if (entry && entry.context === user.contextName && entry.contextException === user.contextException) return undefined;
  const locked = !entry
    ? "not in the lock"
    : entry.context !== user.contextName
      ? `locked context "${entry.context}"`
      : entry.contextException === undefined
        ? "the lock records no exception for it"
        : `the lock records the reason "${entry.contextException}"`;
  return `userAttributes["${CONTEXT_EXCEPTION}"] "${user.contextException}" places the mailbox in context "${user.contextName}", but the lock ${ctx.lock.file} does not approve it there (${locked}); run \`oxmig lock\` and review the exception`;
}
