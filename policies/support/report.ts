// Violation messages in the gate's parseable form: `mailbox <address> (owner <uid>): <text>`.
import { formatViolationMessage } from "@oxmig/core/violation-message";
import type { OxUserView } from "./resources";

const TOKEN = /^[^\s()[\]]+$/;
const token = (value: string | undefined): string | undefined => (value && TOKEN.test(value) ? value : undefined);

/** How a mailbox is named in messages: primary address, else its id, else its resource name. */
export function mailboxLabel(user: Pick<OxUserView, "primaryEmail" | "mailboxId" | "resourceName">): string {
  return token(user.primaryEmail) ?? token(user.mailboxId) ?? token(user.resourceName) ?? "unnamed";
}

/**
 * Mailboxes as a list for a message, each label once. Where one label stands for several mailboxes
 * (one person named owner of two sources gets the same primary address twice), it says how many and
 * in which contexts instead of repeating the address.
 */
export function mailboxList(users: readonly Pick<OxUserView, "primaryEmail" | "mailboxId" | "resourceName" | "contextName">[]): string {
  const contexts = new Map<string, (string | undefined)[]>();
  for (const u of users) {
    const label = mailboxLabel(u);
    const list = contexts.get(label);
    if (list) list.push(u.contextName);
    else contexts.set(label, [u.contextName]);
  }
  const item = ([label, of]: [string, (string | undefined)[]]) => {
    if (of.length === 1) return label;
    const named = [...new Set(of.filter((c) => c !== undefined))];
    return `${label} (${of.length} mailboxes${named.length ? `, context${named.length > 1 ? "s" : ""} ${named.join(", ")}` : ""})`;
  };
  return [...contexts].map(item).join(", ");
}

/** A message about one mailbox; `owner` is the owner's uid (or the declared login when there is none). */
export function mailboxMessage(mailbox: string, owner: string | undefined, text: string): string {
  const identity = token(owner);
  return formatViolationMessage({ mailbox: token(mailbox) ?? "unnamed", ...(identity ? { identity } : {}), text });
}

export function userMessage(user: OxUserView, text: string, owner?: string): string {
  return mailboxMessage(mailboxLabel(user), owner ?? user.oxName, text);
}

/** A message about something that is not one mailbox (a config problem, a whole resource). */
export function plainMessage(text: string): string {
  return formatViolationMessage({ text });
}

/** "directory.ldif line 412" */
export function lineRef(file: string, line: number): string {
  return `${file} line ${line}`;
}

/** The standard fail-closed text for unknown binding-critical values. */
export function unknownText(what: string, paths: readonly string[]): string {
  return `${what} ${paths.join(", ")} ${paths.length > 1 ? "are" : "is"} unknown at preview; binding-critical values must be known`;
}
