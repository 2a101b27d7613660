// The grammar of a target login: one string is the OX user `name`, the OX `imapLogin`, the Dovecot
// userdb user and the value of `doveadm -u`, so it must mean itself literally to every one of them.
//
// Allowed: lower-case ASCII letters, digits, ".", "_", "-"; first character a letter or digit.
// Why each excluded character matters:
// - "*" and "?": `doveadm -u` takes a user mask; with a wildcard doveadm iterates the userdb and runs
//   for every match (`backup -R -u 'j*'` copied one source into every j… mailbox, exit 0, Dovecot 2.3.19).
// - whitespace and ":": field separators of the passwd-file userdb (`user:password:uid:…`, extra
//   fields split on spaces), so they would shift what Dovecot reads as home and key password.
// - "%": Dovecot expands %-variables in the settings and extra fields a login can flow into.
// - "@": Dovecot splits user@domain (%n/%d) and OX logs in as `name@<login mapping>`; a second "@"
//   makes it ambiguous which part names the user.
// - "/", "\", quotes, "$", "`", ";", "|", "&", "<", ">", "(", ")" …: path, escape and shell
//   characters; nothing in a login may depend on how a script or a path quotes it.
// - upper case: the resolver lower-cases uids and aliases, and Dovecot looks users up lower-cased
//   (2.3 default `auth_username_format = %Lu`, checked with `doveconf -d`); an upper-case login in the
//   userdb would never be found by that lookup.
// - a leading "-" or ".": getopt would read "-x" as an option; ".x" is a hidden name wherever %u ends up in a path.
// Non-ASCII letters are refused too: OX and Dovecot logins are compared byte-wise, not normalised.

/** Longest login: Exchange caps Alias at 64 characters, plus the longest kind prefix ("equipment-", 10). */
export const LOGIN_MAX_LENGTH = 80;

const LOGIN = /^[a-z0-9][a-z0-9._-]*$/;

const WHY: readonly [RegExp, string][] = [
  [/[*?]/, "is a doveadm user-mask wildcard (doveadm -u would run for every matching user)"],
  [/\s/, "is whitespace, a field separator of the passwd-file userdb"],
  [/:/, "is the passwd-file userdb's field separator"],
  [/%/, "starts a Dovecot %-variable"],
  [/@/, "separates user and domain in Dovecot and login and context in OX"],
  [/[A-Z]/, "is upper case (Dovecot looks logins up lower-cased)"],
];

/** Why `login` cannot be a target login, or undefined when it is a literal login. */
export function loginProblem(login: string): string | undefined {
  if (login === "") return "a login must not be empty";
  if (login.length > LOGIN_MAX_LENGTH) return `a login has at most ${LOGIN_MAX_LENGTH} characters, this one ${login.length}`;
  if (LOGIN.test(login)) return undefined;
  const bad = [...login].find((ch, i) => !(i === 0 ? /[a-z0-9]/ : /[a-z0-9._-]/).test(ch))!;
  const reason = WHY.find(([pattern]) => pattern.test(bad))?.[1] ?? "is outside the safe alphabet a-z 0-9 . _ - (starting with a-z or 0-9)";
  return `${JSON.stringify(bad)} ${reason}`;
}

export function isLiteralLogin(login: string): boolean {
  return loginProblem(login) === undefined;
}

/** The rule in one line, for messages. */
export const LOGIN_GRAMMAR = `a-z 0-9 . _ - only, starting with a-z or 0-9, at most ${LOGIN_MAX_LENGTH} characters`;
