// Which OX users that already exist may a stack adopt, and for which mailbox? Decided by evidence only:
//   - "attribute": the user carries `oxmig/mailbox-id` of a selected mailbox (created by this stack or
//     adopted before; the provider's create adopts such a user anyway), its other oxmig attributes
//     must not contradict the binding;
//   - "source-ownership": a legacy user (no oxmig attributes, created before the stack) whose target
//     mailbox (Dovecot login = its imapLogin) holds mail, every message of which comes from a source
//     that belongs to the mailbox's owner by the exports (core/source-ownership.ts), and no other OX
//     user's evidence points at that mailbox.
// Never by OX user name, display name or address: those are what a wrong pairing gets wrong. They
// enter only afterwards, as a consistency check that can veto an adoption the provider would refuse
// (OX cannot rename a user or change its primary address, and a different imapLogin would switch
// the user to another Dovecot mailbox), never choose one. Pure: audit/ reads OX and the targets.
import { messageKey, type HeldMessage } from "./audit";
import { USER_ATTRIBUTES } from "./contract";
import type { Binding } from "./model";

/** One OX user as OXUserService.getMultipleData answers (fields this decision reads). */
export interface OxUserFacts {
  readonly contextName: string;
  readonly contextId: number;
  readonly userId: number;
  readonly name?: string;
  readonly displayName?: string;
  readonly primaryEmail?: string;
  readonly imapLogin?: string;
  /** "namespace/name" → value. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** What one target mailbox holds, by Dovecot login; `readError` when it could not be read. */
export type TargetHolding = { readonly messages: readonly HeldMessage[] } | { readonly readError: string };

export interface AdoptionInput {
  /** The selected mailboxes. */
  readonly bindings: readonly Binding[];
  /** ExchangeGuids whose mail belongs to each mailbox by the exports, by mailboxId (rehearsal/verification expectedFromEvidence). */
  readonly rightfulSources: ReadonlyMap<string, readonly string[]>;
  /** Every OX user of the selected contexts. */
  readonly users: readonly OxUserFacts[];
  /** Target mailboxes read, by login. */
  readonly targets: ReadonlyMap<string, TargetHolding>;
  /** Message identity → ExchangeGuids of the sources read holding it (core/audit indexSources). */
  readonly index: ReadonlyMap<string, readonly string[]>;
  /** Whose mail a source holds, by ExchangeGuid, for reasons (people first). */
  readonly sourceOwners?: ReadonlyMap<string, string>;
}

export type AdoptionEvidence = "attribute" | "source-ownership";

/** What the evidence alone says about one OX user. */
export type EvidenceMatch =
  | { readonly user: OxUserFacts; readonly mailboxId: string; readonly evidence: AdoptionEvidence; readonly messages: number }
  | { readonly user: OxUserFacts; readonly mailboxId?: undefined; readonly reason: string; readonly near?: string };

export type AdoptionDecision =
  | {
      readonly status: "adopted";
      readonly user: OxUserFacts;
      readonly mailboxId: string;
      readonly evidence: AdoptionEvidence;
      /** Messages of the target, all from the mailbox's rightful sources (attribute: what the target holds, if read). */
      readonly messages: number;
    }
  | {
      readonly status: "not-adopted";
      readonly user: OxUserFacts;
      readonly reason: string;
      /** The mailbox the evidence points at, when it points at one. */
      readonly mailboxId?: string;
    };

const OXMIG_NAMESPACE = "oxmig/";

/** "OX user 17 in context im": how a user is named in reasons (never by its name alone). */
export function oxUserLabel(u: OxUserFacts): string {
  return `OX user ${u.userId} in context ${u.contextName}`;
}

/** Attributes of the binding that must agree with what an "attribute" user carries (the source may be re-bound, the containment may change). */
function contradictions(user: OxUserFacts, binding: Binding): string[] {
  const expected: Record<string, string | undefined> = {
    [USER_ATTRIBUTES.ownerId]: binding.owner?.immutableId,
    [USER_ATTRIBUTES.kind]: binding.kind,
    [USER_ATTRIBUTES.keyName]: binding.keyName,
  };
  return Object.entries(expected).flatMap(([key, want]) => {
    const held = user.attributes[key];
    return held !== undefined && held !== want ? [`${key} "${held}", the plan's is ${want === undefined ? "none" : `"${want}"`}`] : [];
  });
}

function byAttribute(user: OxUserFacts, mailboxId: string, bindings: ReadonlyMap<string, Binding>, input: AdoptionInput): EvidenceMatch {
  const binding = bindings.get(mailboxId);
  if (!binding) return { user, reason: `carries ${USER_ATTRIBUTES.mailboxId} "${mailboxId}" of no selected mailbox` };
  if (binding.context !== user.contextName) {
    return { user, reason: `carries the mailbox id of a mailbox the plan declares in context ${binding.context}`, near: mailboxId };
  }
  const contra = contradictions(user, binding);
  if (contra.length) return { user, reason: `carries this mailbox's id but ${contra.join("; ")}`, near: mailboxId };
  const target = user.imapLogin === undefined ? undefined : input.targets.get(user.imapLogin);
  const messages = target && "messages" in target ? target.messages.length : 0;
  return { user, mailboxId, evidence: "attribute", messages };
}

function ownersText(counts: ReadonlyMap<string, number>, owners: ReadonlyMap<string, string> | undefined): string {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([guid, n]) => `${n} of ${owners?.get(guid) ?? `source ${guid}`}`)
    .join(", ");
}

function bySourceOwnership(user: OxUserFacts, input: AdoptionInput): EvidenceMatch {
  const login = user.imapLogin;
  if (login === undefined || login === "") return { user, reason: "has no imapLogin: no target mailbox to judge" };
  const target = input.targets.get(login);
  if (!target)
    return { user, reason: `no target mailbox was read for its imapLogin "${login}" (not in the target's userdb, or declared by an unselected wave)` };
  if ("readError" in target) return { user, reason: `its target mailbox "${login}" could not be read: ${target.readError}` };
  if (target.messages.length === 0) return { user, reason: `its target mailbox "${login}" is empty: no mail, no evidence` };
  const holders = target.messages.map((m) => input.index.get(messageKey(m)) ?? []);
  const unattributed = holders.filter((h) => h.length === 0).length;
  const counts = new Map<string, number>();
  for (const h of holders) if (h.length) counts.set(h[0]!, (counts.get(h[0]!) ?? 0) + 1);
  const candidates = input.bindings.filter((b) => {
    const rightful = new Set(input.rightfulSources.get(b.mailboxId) ?? []);
    return rightful.size > 0 && holders.every((h) => h.some((g) => rightful.has(g)));
  });
  const held = counts.size ? `; it holds ${ownersText(counts, input.sourceOwners)}` : "";
  if (unattributed > 0) {
    return { user, reason: `${unattributed} of its ${target.messages.length} message(s) are in no audited source: whose they are is not known${held}` };
  }
  if (candidates.length === 0) return { user, reason: `its mail is not one selected mailbox's own mail${held}` };
  if (candidates.length > 1) {
    return { user, reason: `its mail fits ${candidates.length} mailboxes (${candidates.map((b) => b.mailboxId).join(", ")}): not decidable${held}` };
  }
  const binding = candidates[0]!;
  if (binding.context !== user.contextName) {
    return { user, reason: `its mail belongs to a mailbox the plan declares in context ${binding.context}${held}`, near: binding.mailboxId };
  }
  return { user, mailboxId: binding.mailboxId, evidence: "source-ownership", messages: target.messages.length };
}

/**
 * The evidence stage: for every OX user the mailbox its evidence points at, uniquely, or why none.
 * Reads attributes, target contents and source ownership only; names, display names, addresses and
 * the spelling of logins play no part (test/core/adoption.test.ts permutes them).
 */
export function matchByEvidence(input: AdoptionInput): EvidenceMatch[] {
  const bindings = new Map(input.bindings.map((b) => [b.mailboxId, b]));
  const first: EvidenceMatch[] = [...input.users]
    .sort((a, b) => a.contextName.localeCompare(b.contextName) || a.userId - b.userId)
    .map((user) => {
      const mailboxId = user.attributes[USER_ATTRIBUTES.mailboxId];
      if (mailboxId !== undefined) return byAttribute(user, mailboxId, bindings, input);
      const own = Object.keys(user.attributes).filter((k) => k.startsWith(OXMIG_NAMESPACE));
      if (own.length) return { user, reason: `carries oxmig attributes (${own.join(", ")}) but no ${USER_ATTRIBUTES.mailboxId}` };
      return bySourceOwnership(user, input);
    });
  // One OX user per mailbox: an attribute binding wins over mail evidence; two of a kind adopt neither.
  const claims = new Map<string, EvidenceMatch[]>();
  for (const m of first) if (m.mailboxId !== undefined) claims.set(m.mailboxId, [...(claims.get(m.mailboxId) ?? []), m]);
  return first.map((m) => {
    if (m.mailboxId === undefined) return m;
    const all = claims.get(m.mailboxId)!;
    const byAttr = all.filter((c) => c.mailboxId !== undefined && c.evidence === "attribute");
    if (m.evidence === "source-ownership" && byAttr.length) {
      return {
        user: m.user,
        reason: `its mail is mailbox ${m.mailboxId}'s, but OX user ${byAttr[0]!.user.userId} already carries that mailbox's id`,
        near: m.mailboxId,
      };
    }
    const rivals = m.evidence === "attribute" ? byAttr : all;
    if (rivals.length > 1) {
      const what = m.evidence === "attribute" ? "carry this mailbox's id" : "hold only this mailbox's mail";
      const ids = rivals.map((c) => c.user.userId).sort((a, b) => a - b);
      return { user: m.user, reason: `OX users ${ids.join(" and ")} all ${what}: not decidable`, near: m.mailboxId };
    }
    return m;
  });
}

const sameText = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * What the provider will refuse for a matched user (infra/ox/user-ops.ts, adoptExisting): a consistency
 * check that can only veto, never choose. OX keeps name and primary address (USERNAME_CHANGEABLE,
 * PRIMARY_MAIL_UNCHANGEABLE), and the next refresh would read them back and replace (delete) the user;
 * another imapLogin would open another Dovecot mailbox than the one the evidence was read from.
 */
export function consistencyProblems(user: OxUserFacts, binding: Binding): string[] {
  const problems: string[] = [];
  if (user.imapLogin !== binding.imapLogin) {
    problems.push(
      `its imapLogin "${user.imapLogin ?? ""}" is not the plan's login "${binding.imapLogin}" for this mailbox (adopting would open another Dovecot mailbox)`,
    );
  }
  if (!sameText(user.name, binding.oxName)) problems.push(`its OX name "${user.name ?? ""}" is not the plan's "${binding.oxName}" (OX does not rename users)`);
  if (!sameText(user.primaryEmail, binding.primaryAddress.display)) {
    problems.push(`its primary address "${user.primaryEmail ?? ""}" is not the plan's "${binding.primaryAddress.display}" (OX keeps the primary address)`);
  }
  return problems;
}

/** Evidence first, then the consistency veto; sorted by context and OX user id. */
export function decideAdoptions(input: AdoptionInput): AdoptionDecision[] {
  const bindings = new Map(input.bindings.map((b) => [b.mailboxId, b]));
  return matchByEvidence(input).map((m): AdoptionDecision => {
    if (m.mailboxId === undefined) return { status: "not-adopted", user: m.user, reason: m.reason, ...(m.near ? { mailboxId: m.near } : {}) };
    const problems = consistencyProblems(m.user, bindings.get(m.mailboxId)!);
    if (problems.length) {
      return { status: "not-adopted", user: m.user, mailboxId: m.mailboxId, reason: `its evidence points at this mailbox, but ${problems.join("; ")}` };
    }
    return { status: "adopted", user: m.user, mailboxId: m.mailboxId, evidence: m.evidence, messages: m.messages };
  });
}
