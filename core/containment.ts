// Containment: the listed logins cannot log in to their mailbox any more, while mail keeps arriving
// and the cleanup can still work on it. Rendered as a Dovecot passdb with `deny = yes`: a passwd-file
// whose lines are the contained logins. Checked on Dovecot 2.3.19 with a private instance:
// the user's own IMAP login fails (`doveadm auth test` says code=user_disabled), the master user's
// login to that mailbox, LMTP delivery and doveadm (fetch, expunge, backup) work as before, because
// none of them asks the normal passdb. The userdb itself stays untouched: without its entry, delivery
// and the cleanup would fail too.
import { loginProblem } from "./login";

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
