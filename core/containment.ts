// Containment: the listed logins cannot log in to their mailbox any more, while mail keeps arriving
// and the cleanup can still work on it. Rendered as a Dovecot passdb with `deny = yes`: a passwd-file
// whose lines are the contained logins. Checked on Dovecot 2.3.19 with a private instance:
// the user's own IMAP login fails (`doveadm auth test` says code=user_disabled), the master user's
// login to that mailbox, LMTP delivery and doveadm (fetch, expunge, backup) work as before, because
// none of them asks the normal passdb. The userdb itself stays untouched: without its entry, delivery
// and the cleanup would fail too. Also checked on 2.3.19: an empty file refuses nobody; a new file
// swapped in the way the kubelet updates a mounted ConfigMap (the `..data` symlink) is read at the
// next login without a reload; a MISSING file is no refusal (the deny passdb's open error is skipped
// for some logins, a temporary failure for others), so the list must always exist, empty or not.
import { loginProblem } from "./login";
import { passwdFileLines } from "./passwd-file";
import type { Binding } from "./model";

/** The passdb block that makes Dovecot refuse every login listed in `denyFile` (before the other passdbs). */
export function denyPassdbBlock(denyFile: string): string {
  return `passdb {\n  driver = passwd-file\n  args = ${denyFile}\n  deny = yes\n}`;
}

/** One login per line, sorted and without repeats; throws on a login that is not literal. */
export function renderDenyList(logins: readonly string[]): string {
  const unique = [...new Set(logins)].sort();
  for (const login of unique) {
    const problem = loginProblem(login);
    if (problem) throw new Error(`cannot contain "${login}": ${problem}`);
  }
  return unique.map((login) => `${login}\n`).join("");
}

/** The Dovecot logins a context's deny list must hold: those of its contained mailboxes. */
export function containedLogins(bindings: readonly Binding[]): string[] {
  return bindings.filter((b) => b.contain !== undefined).map((b) => b.dovecotLogin);
}

export interface DenyListReading {
  /** Each login the file names → its first line (1-based). */
  readonly logins: ReadonlyMap<string, number>;
  /** Lines Dovecot would read differently from a plain login (those never match a login lookup). */
  readonly problems: readonly { readonly line: number; readonly problem: string }[];
}

/**
 * A deny list as Dovecot's passwd-file reads it: the user is the text before the first ":"; empty
 * lines and lines starting with "#" or ":" are skipped (as core/passwd-file.ts). Anything but a
 * literal login is a problem: lookups are lower-cased, so "MMueller" would block nobody.
 */
export function readDenyList(text: string): DenyListReading {
  const logins = new Map<string, number>();
  const problems: { line: number; problem: string }[] = [];
  for (const { line, content } of passwdFileLines(text)) {
    const login = content.split(":")[0]!;
    if (login !== content) problems.push({ line, problem: `holds more than a login (a deny list names logins only)` });
    const problem = loginProblem(login);
    if (problem) problems.push({ line, problem: `"${login}" is not a literal login: ${problem}` });
    if (!logins.has(login)) logins.set(login, line);
  }
  return { logins, problems };
}
