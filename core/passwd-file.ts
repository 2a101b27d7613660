// Reads a Dovecot passwd-file userdb the way Dovecot 2.3 resolves it, per login: the effective home,
// key password and mail location, plus every line Dovecot would read differently from our rendering.
// Semantics follow src/auth/db-passwd-file.c, userdb-passwd-file.c and auth-request.c
// (auth_request_set_userdb_field) at tag 2.3.19.1. Checked with `doveadm user` on the Dovecot 2.3.19.1
// installed here (test/rehearsal/passwd-file.test.ts shows the dangerous ones):
// - `userdb_home=` beats field 6; a repeated userdb field: the last one wins;
// - a login on two lines: the FIRST line wins (Dovecot logs "exists more than once");
// - an empty 8th field makes the rest of the line the mail location (old format, `mail=`);
// - extra fields split on spaces only (a tab stays inside a value); fields past the 8th are joined
//   back with ':' into the extra fields;
// - lines that are empty or start with '#' or ':' are skipped; a trailing CR is dropped;
// - a line with fewer than 4 fields has no userdb info: the login is unknown to the userdb;
// - extra-field VALUES are %-expanded (`%u`), field 6 is not;
// - `userdb_<f>:remove` deletes f, `userdb_<f>:protected` sets f only when unset, `userdb_user=`
//   renames the user, `userdb_userdb_import=` imports tab-separated fields, `userdb_mail_home=` and
//   `userdb_mail_attribute_dict=` override the settings of those names;
// - non-`userdb_` extra fields are ignored by userdb lookups;
// - lookups are lower-cased (default auth_username_format %Lu), so a login with capitals is never found.
// Not verified here: how a passdb lookup reads the same file (this stack uses it as a userdb only).
// The key password is secret: problems and callers name fields, never the value.

/** The userdb fields our rendering (core/userdb.ts) sets. Any other field is a problem. */
export const KEY_PASSWORD_FIELD = "mail_crypt_private_password";
const ALLOWED_FIELDS: ReadonlySet<string> = new Set(["home", KEY_PASSWORD_FIELD]);
const FIELD_NAMES = ["login", "password", "uid", "gid", "gecos", "home", "shell"] as const;

export interface PasswdEntry {
  readonly login: string;
  /** 1-based line Dovecot uses for this login (the first one, when the login repeats). */
  readonly line: number;
  /** Every line of the file for this login, in file order. */
  readonly lines: readonly number[];
  /** Home as Dovecot resolves it: field 6, overridden by extra fields; undefined when unset or removed. */
  readonly home?: string;
  /** The effective `mail_crypt_private_password`. Secret: compare, never print. */
  readonly keyPassword?: string;
  /** A mail location override (`userdb_mail=` or the old-format 9th field): it moves where mail lives. */
  readonly mail?: string;
  /** Every other userdb field the line sets, by name (values may be secret: print names only). */
  readonly otherFields: ReadonlyMap<string, string>;
  /** Why Dovecot may read this login differently from how this stack renders it; empty when none. */
  readonly problems: readonly string[];
}

interface RawLine {
  readonly line: number;
  readonly fields: readonly string[];
}

/** The lines Dovecot reads as entries (not blank, not a comment, not starting with ":"), CR stripped, with their 1-based number. */
export function passwdFileLines(text: string): { readonly line: number; readonly content: string }[] {
  const lines: { line: number; content: string }[] = [];
  text.split("\n").forEach((raw, i) => {
    const content = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (content !== "" && !content.startsWith("#") && !content.startsWith(":")) lines.push({ line: i + 1, content });
  });
  return lines;
}

/** Entries by login, in file order of their first line. */
export function readPasswdFile(text: string): Map<string, PasswdEntry> {
  const byLogin = new Map<string, RawLine[]>();
  for (const { line, content } of passwdFileLines(text)) {
    const fields = content.split(":");
    const list = byLogin.get(fields[0]!) ?? [];
    list.push({ line, fields });
    byLogin.set(fields[0]!, list);
  }
  const entries = new Map<string, PasswdEntry>();
  for (const [login, lines] of byLogin) entries.set(login, resolve(login, lines));
  return entries;
}

function resolve(login: string, lines: readonly RawLine[]): PasswdEntry {
  const [first] = lines;
  const { fields, line } = first!;
  const problems: string[] = [];
  if (lines.length > 1) problems.push(`login appears on lines ${lines.map((l) => l.line).join(", ")}; Dovecot uses only the first`);
  if (login !== login.toLowerCase() || /\s/.test(login)) problems.push("Dovecot looks logins up lower-cased and never finds a login with capitals or blanks");
  if (fields.length < 4) problems.push("line has no userdb fields; Dovecot treats the login as unknown");
  for (const at of [1, 2, 3, 4, 6]) {
    if (fields[at]) problems.push(`field ${at + 1} (${FIELD_NAMES[at]}) is set; this stack never sets it`);
  }
  const userdb = new Map<string, string>();
  if (fields[5]) userdb.set("home", fields[5]);
  const extras = extraFields(fields);
  if (extras.mail !== undefined) {
    problems.push("an empty 8th field makes the rest of the line a mail location (old passwd-file format)");
    userdb.set("mail", extras.mail);
  }
  const counts = new Map<string, number>();
  for (const field of extras.fields) applyExtraField(field, userdb, counts, problems);
  for (const [name, n] of counts) if (n > 1) problems.push(`userdb field ${name} is set ${n} times; Dovecot uses the last`);
  const otherFields = new Map([...userdb].filter(([name]) => !ALLOWED_FIELDS.has(name) && name !== "mail"));
  if (userdb.has("mail")) problems.push("mail location is overridden (userdb field mail); mail would live elsewhere");
  for (const name of otherFields.keys()) problems.push(`sets userdb field ${name}, which this stack never declares`);
  const home = userdb.get("home");
  const keyPassword = userdb.get(KEY_PASSWORD_FIELD);
  const mail = userdb.get("mail");
  return {
    login,
    line,
    lines: lines.map((l) => l.line),
    ...(home ? { home } : {}),
    ...(keyPassword !== undefined ? { keyPassword } : {}),
    ...(mail !== undefined ? { mail } : {}),
    otherFields,
    problems,
  };
}

/** Fields 8.. as Dovecot splits them: either the old-format mail location or space-separated fields. */
function extraFields(fields: readonly string[]): { fields: string[]; mail?: string } {
  if (fields.length <= 7) return { fields: [] };
  if (fields[7] === "") {
    const rest = fields.slice(8);
    return rest.length && rest[0] !== "" ? { fields: [], mail: rest.join(":") } : { fields: [] };
  }
  return {
    fields: fields
      .slice(7)
      .join(":")
      .split(" ")
      .filter((f) => f !== ""),
  };
}

/** auth_request_set_userdb_field for one `userdb_` extra field; other extra fields are ignored. */
function applyExtraField(field: string, userdb: Map<string, string>, counts: Map<string, number>, problems: string[]): void {
  if (!field.startsWith("userdb_")) {
    problems.push(`extra field ${fieldName(field)} is not a userdb field; this stack never declares it`);
    return;
  }
  const eq = field.indexOf("=");
  const name = eq < 0 ? field.slice(7) : field.slice(7, eq);
  const value = eq < 0 ? "" : field.slice(eq + 1);
  if (value.includes("%")) problems.push(`userdb field ${name} contains '%', which Dovecot expands`);
  setField(name, value, userdb, counts, problems);
}

function setField(name: string, value: string, userdb: Map<string, string>, counts: Map<string, number>, problems: string[]): void {
  if (name.endsWith(":remove")) {
    problems.push(`userdb field ${name} removes a field`);
    userdb.delete(name.slice(0, -7));
    return;
  }
  if (name.endsWith(":protected")) {
    problems.push(`userdb field ${name} is conditional`);
    const base = name.slice(0, -10);
    if (!userdb.has(base)) setField(base, value, userdb, counts, problems);
    return;
  }
  if (name === "userdb_import") {
    problems.push("userdb field userdb_import imports further fields");
    for (const part of value.split("\t")) {
      const eq = part.indexOf("=");
      if (part) setField(eq < 0 ? part : part.slice(0, eq), eq < 0 ? "" : part.slice(eq + 1), userdb, counts, problems);
    }
    return;
  }
  counts.set(name, (counts.get(name) ?? 0) + 1);
  userdb.set(name, value);
}

/** The name of an extra field without its value (which may be secret). */
function fieldName(field: string): string {
  const eq = field.indexOf("=");
  return eq < 0 ? field : field.slice(0, eq);
}
