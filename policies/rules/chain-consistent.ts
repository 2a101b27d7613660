import type { ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import type { Pairing, UserdbIndexEntry } from "@oxmig/core/contract";
import { homeFor, keyNameFor } from "@oxmig/core/ids";
import { configSchema, type PolicyContext } from "../config";
import { expectedMailboxId, loginOf, ownerOf, sourceOf, unknownAmong } from "../support/identity";
import { readPasswdFile, type PasswdEntry } from "@oxmig/core/passwd-file";
import { mailboxList, mailboxMessage, plainMessage, unknownText, userMessage } from "../support/report";
import type { OxUserView } from "../support/resources";
import { stackValidation } from "../support/rule";
import { groupBy, type StackView } from "../support/stack";

type PasswdOfContext = { readonly entries: Map<string, PasswdEntry> } | { readonly problem: string };

interface Indexes {
  /** context → login → index lines */
  readonly index: Map<string, Map<string, UserdbIndexEntry[]>>;
  /** context → the passwd-file as Dovecot reads it, or why it cannot be read; absent while unknown at preview */
  readonly passwd: Map<string, PasswdOfContext>;
  readonly pairings: Map<string, (Pairing & { table: string })[]>;
}

function buildIndexes(stack: StackView, report: ReportViolation): Indexes {
  const index = new Map<string, Map<string, UserdbIndexEntry[]>>();
  const passwd = new Map<string, PasswdOfContext>();
  for (const db of stack.userdbs) {
    if (db.unknown.length) report(plainMessage(`userdb ${db.resourceName}: ${unknownText("", db.unknown).trim()}`), db.urn);
    else if (db.indexProblem) report(plainMessage(`userdb ${db.resourceName}: ${db.indexProblem}`), db.urn);
    index.set(
      db.context,
      groupBy(db.index ?? [], (e) => e.login),
    );
    // Unknown at preview (new keys make the whole file unknown): the known index is the structure
    // checked now; the file itself is read wherever its values are known (docs/gate-evidence.md).
    if (db.passwd !== undefined) passwd.set(db.context, { entries: readPasswdFile(db.passwd) });
    else if (db.passwdProblem !== undefined) passwd.set(db.context, { problem: db.passwdProblem });
  }
  for (const t of stack.pairings) {
    if (t.unknown.length) report(plainMessage(`pairing table ${t.resourceName}: ${unknownText("", t.unknown).trim()}`), t.urn);
  }
  const all = stack.pairings.flatMap((t) => (t.pairings ?? []).map((p) => ({ ...p, table: t.resourceName })));
  return { index, passwd, pairings: groupBy(all, (p) => p.mailboxId) };
}

/** Identity links of one OX user: attributes, names, index line, key, passwd line, pairing. */
function checkUser(ctx: PolicyContext, stack: StackView, ix: Indexes, user: OxUserView, fail: (text: string) => void): void {
  const id = expectedMailboxId(ctx, user);
  if (id === undefined)
    return fail(
      `chain cannot be checked: the ${user.kind === "personal" ? `owner id ${user.ownerId}` : `source ExchangeGuid ${user.sourceGuid}`} is not in the exports`,
    );
  const owner = ownerOf(ctx, user);
  const login = owner ? loginOf(owner) : (user.oxName ?? "");
  const expect = (what: string, found: string | undefined, wanted: string) => {
    if (found !== wanted) fail(`${what} is "${found ?? ""}", expected "${wanted}" (derived from mailbox id ${id})`);
  };
  expect("userAttributes oxmig/mailbox-id", user.mailboxId, id);
  expect("OX name", user.oxName, login);
  expect("imapLogin", user.imapLogin, login);
  expect("userAttributes oxmig/key-name", user.keyName, keyNameFor(id));
  const home = homeFor(id, ctx.config.mailRoot);
  const lines = ix.index.get(user.contextName ?? "")?.get(login) ?? [];
  if (lines.length !== 1) fail(`userdb-${user.contextName} has ${lines.length} index lines for login "${login}", expected exactly one`);
  for (const line of lines) {
    expect(`userdb index home of "${login}"`, line.home, home);
    expect(`userdb index mailboxId of "${login}"`, line.mailboxId, id);
    expect(`userdb index keyName of "${login}"`, line.keyName, keyNameFor(id));
  }
  const key = stack.keys.get(keyNameFor(id));
  if (!key) fail(`key resource ${keyNameFor(id)} does not exist`);
  else if (key.unknown.length) fail(unknownText(`key ${key.resourceName}`, key.unknown));
  else expect(`keepers.mailboxId of ${key.resourceName}`, key.keeper, id);
  checkPasswd(ix.passwd.get(user.contextName ?? ""), user.contextName ?? "", home, key?.result, login, fail);
  checkPairing(ctx, user, ix.pairings.get(id) ?? [], login, fail);
}

/** The login's line as Dovecot resolves it: effective home and key, and nothing Dovecot reads otherwise. */
function checkPasswd(
  passwd: PasswdOfContext | undefined,
  context: string,
  home: string,
  keyResult: string | undefined,
  login: string,
  fail: (text: string) => void,
): void {
  if (passwd === undefined) return;
  if ("problem" in passwd) return fail(`userdb-${context} passwd-file cannot be read: ${passwd.problem}`);
  const entry = passwd.entries.get(login);
  if (!entry) return fail(`userdb-${context} passwd-file has no line for "${login}"`);
  const at = `userdb passwd line ${entry.line}`;
  for (const problem of entry.problems) fail(`${at} for "${login}": ${problem}`);
  if (entry.home !== home) fail(`${at} gives "${login}" home "${entry.home ?? ""}", expected "${home}"`);
  // Compare only: the password is the key's secret result.
  if (entry.keyPassword === undefined) fail(`${at} gives "${login}" no key password`);
  else if (keyResult !== undefined && entry.keyPassword !== keyResult) fail(`${at} gives "${login}" a key password that is not the result of its own key`);
}

function checkPairing(
  ctx: PolicyContext,
  user: OxUserView,
  pairings: readonly (Pairing & { table: string })[],
  login: string,
  fail: (text: string) => void,
): void {
  const source = sourceOf(ctx, user);
  for (const p of pairings) {
    if (source && p.sourceLogin !== source.userPrincipalName) {
      fail(
        `${p.table} pairs source login "${p.sourceLogin}", but the mailbox's source is ${source.userPrincipalName} (${ctx.exchange.file} line ${source.line})`,
      );
    }
    if (p.sourceExchangeGuid.toLowerCase() !== (user.sourceGuid ?? "").toLowerCase())
      fail(`${p.table} pairs source ExchangeGuid ${p.sourceExchangeGuid}, but the OX user declares ${user.sourceGuid}`);
    if (p.targetLogin !== login) fail(`${p.table} copies into target login "${p.targetLogin}", expected "${login}"`);
  }
}

function checkKeysUsedOnce(stack: StackView, report: ReportViolation): void {
  const users = groupBy(stack.users, (u) => u.keyName);
  for (const [name, key] of stack.keys) {
    const holders = users.get(name) ?? [];
    if (holders.length !== 1) {
      report(
        mailboxMessage(
          key.keeper ?? name,
          undefined,
          `key ${name} is used by ${holders.length} mailboxes${holders.length ? `: ${mailboxList(holders)}` : ""}; expected exactly one`,
        ),
        key.urn,
      );
    }
  }
}

function checkOrphanLines(stack: StackView, report: ReportViolation): void {
  const logins = new Set(stack.users.map((u) => `${u.contextName}/${u.imapLogin}`));
  for (const db of stack.userdbs) {
    for (const e of db.index ?? []) {
      if (!logins.has(`${db.context}/${e.login}`))
        report(
          mailboxMessage(e.mailboxId, undefined, `userdb ${db.resourceName} has a line for "${e.login}" that no OX user of context ${db.context} logs in with`),
          db.urn,
        );
    }
    const indexed = new Set((db.index ?? []).map((e) => e.login));
    for (const entry of db.passwd !== undefined ? readPasswdFile(db.passwd).values() : []) {
      if (!indexed.has(entry.login))
        report(plainMessage(`userdb ${db.resourceName} passwd line ${entry.line} for "${entry.login}" is missing from the userdb index`), db.urn);
    }
  }
}

export const chainConsistent: StackValidationPolicy = {
  name: "chain-consistent",
  description: "Checks whether each mailbox's OX login, userdb line, home, key and pairing all derive from its owner's immutable id and directory uid.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: stackValidation((ctx, stack, report) => {
    const ix = buildIndexes(stack, report);
    for (const user of stack.users) {
      const unknown = unknownAmong(user.unknown, ["userAttributes", "name", "imapLogin", "contextName"]);
      if (unknown.length) {
        report(userMessage(user, unknownText("OX user", unknown)), user.urn);
        continue;
      }
      checkUser(ctx, stack, ix, user, (text) => report(userMessage(user, text, ownerOf(ctx, user)?.uid), user.urn));
    }
    checkKeysUsedOnce(stack, report);
    checkOrphanLines(stack, report);
  }),
};
