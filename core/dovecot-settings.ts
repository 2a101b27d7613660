// Dovecot 2.3 settings every Dovecot that touches a target mailbox must share: the rehearsal's real
// target (rehearsal/dovecot/dovecot-conf.ts) and the migration Job's Dovecot (core/migration-dovecot.ts).
// A Job writing with other mail settings than the target Dovecot reads with would leave mail the
// target cannot open, so both render these very lines. Pure text, no Node APIs (the pack loads core/).

/** Where a mailbox lives below its home, and the namespace doveadm's imapc copy needs. */
export const TARGET_MAIL_SETTINGS: readonly string[] = [
  "mail_location = maildir:~/Maildir",
  // imapc sources use `/`; doveadm refuses to copy between different hierarchy separators.
  "namespace inbox {\n  inbox = yes\n  separator = /\n}",
];

/** Per-user keys (docs: ../shared/reference/dovecot-mail-crypt.md): the key password comes from the userdb. */
export const MAIL_CRYPT_SETTINGS: readonly string[] = [
  "mail_plugins = $mail_plugins mail_crypt",
  "mail_attribute_dict = file:%h/dovecot-attributes",
  // Any value turns require_encrypted_user_key on; it is set only here, on purpose.
  "plugin {\n  mail_crypt_curve = prime256v1\n  mail_crypt_save_version = 2\n  mail_crypt_require_encrypted_user_key = yes\n}",
];

/** A passwd-file userdb (core/userdb.ts renders the file). */
export function passwdFileUserdb(path: string): string {
  return `userdb {\n  driver = passwd-file\n  args = ${path}\n}`;
}
