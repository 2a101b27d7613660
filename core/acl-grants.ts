// Delegation of shared, room and equipment mailboxes as Dovecot really grants it: `doveadm acl set`
// lines (acl plugin, vfile backend) that write the mailbox's `dovecot-acl` file and, with the
// mail_crypt_acl plugin, share the folder key with the delegate. The program renders the script;
// the pack reads it back word by word, the way the shell hands it to doveadm.
//
// Checked on Dovecot 2.3.19.1, in test/rehearsal/delegation.test.ts:
// - `doveadm acl set -u <shared login> INBOX user=<login> lookup read …` writes `user=<login>` plus the
//   right letters to <home>/Maildir/dovecot-acl and shares the folder key; the delegate (IMAP,
//   master-user login, `acl_user = %u`) reads the encrypted mail under shared/<shared login>/; a
//   colleague does not see the mailbox.
// - With `mail_crypt_acl_require_secure_key_sharing = yes`, `anyone` makes doveadm exit 75, but the line
//   is written all the same and shows the mailbox (subjects) to everyone. The exit code protects
//   nothing: the declared lines themselves must be right.
// Seen by hand only: `user=<unknown login>` exits 0; `group=` and a delegate without a key pair exit 75
// (line written); right letters (`lrws…`) are refused (exit 64); a dovecot-acl line written by hand
// opens the mailbox but not the key; on a fresh mailbox `acl set` creates the INBOX, so the script
// must run only after a wave's final copy.
import { shellWords } from "./script-reader";

/** Rights a delegate gets: read and handle mail, file it in new folders. Not `admin`, not `delete`. */
export const DELEGATE_RIGHTS = ["lookup", "read", "write", "write-seen", "write-deleted", "insert", "post", "expunge", "create"] as const;

/** The only mailbox the program grants on (subfolders are not shared by these lines). */
export const GRANTED_MAILBOX = "INBOX";

export interface AclGrantSpec {
  /** Dovecot login of the shared, room or equipment mailbox (`doveadm -u`). */
  readonly mailboxLogin: string;
  /** Dovecot logins of the delegates. */
  readonly delegateLogins: readonly string[];
}

export interface AclGrant {
  /** 1-based line in the script. */
  readonly line: number;
  /** `-u`: whose mailbox the ACL is written into. */
  readonly mailboxLogin: string;
  readonly mailbox: string;
  /** The ACL identifier as Dovecot reads it: `user=…`, `group=…`, `anyone`, `authenticated`, `owner`, … */
  readonly identifier: string;
  readonly rights: readonly string[];
}

export interface AclScriptReading {
  readonly grants: readonly AclGrant[];
  /** Lines that are not exactly a grant or the fixed header, each naming its line. */
  readonly problems: readonly string[];
}

const HEADER = [
  "#!/bin/sh",
  "# Delegation of shared, room and equipment mailboxes (Dovecot acl + mail_crypt_acl).",
  "# Run inside the Dovecot pod after a wave's final copy: on a fresh mailbox `acl set` creates the INBOX.",
  "set -eu",
];

const quote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

/** The script: one `doveadm acl set` per (mailbox, delegate), in a stable order. */
export function renderAclScript(specs: readonly AclGrantSpec[]): string {
  const lines = [...specs]
    .sort((a, b) => (a.mailboxLogin < b.mailboxLogin ? -1 : a.mailboxLogin > b.mailboxLogin ? 1 : 0))
    .flatMap((s) =>
      [...new Set(s.delegateLogins)]
        .sort()
        .map((d) => `doveadm acl set -u ${quote(s.mailboxLogin)} ${GRANTED_MAILBOX} ${quote(`user=${d}`)} ${DELEGATE_RIGHTS.join(" ")}`),
    );
  return `${[...HEADER, ...lines].join("\n")}\n`;
}

/**
 * Every grant the script makes. Only the rendered form is accepted: the header lines, blank lines and
 * `doveadm acl set -u <login> <mailbox> <identifier> <right>…` in plain or single-quoted words.
 */
export function readAclScript(text: string): AclScriptReading {
  const grants: AclGrant[] = [];
  const problems: string[] = [];
  text.split("\n").forEach((raw, i) => {
    const n = i + 1;
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "" || HEADER.includes(line)) return;
    const { words, problem } = shellWords(line);
    if (problem) return void problems.push(`line ${n}: ${problem}`);
    const [program, verb, action, flag, mailboxLogin, mailbox, identifier, ...rights] = words;
    if (program !== "doveadm" || verb !== "acl" || action !== "set" || flag !== "-u" || !mailboxLogin || !mailbox || !identifier || rights.length === 0) {
      return void problems.push(`line ${n}: not of the form "doveadm acl set -u <login> <mailbox> <identifier> <right>…"`);
    }
    grants.push({ line: n, mailboxLogin, mailbox, identifier, rights });
  });
  return { grants, problems };
}
