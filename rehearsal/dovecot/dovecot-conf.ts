// Renders the dovecot.conf of one private, unprivileged rehearsal instance (Dovecot 2.3).
import { denyPassdbBlock } from "@oxmig/core/containment";
import { MAIL_CRYPT_SETTINGS, TARGET_MAIL_SETTINGS } from "@oxmig/core/dovecot-settings";
import type { RunAccount } from "./run-as";

export interface ConfInput {
  readonly instanceName: string;
  /** Instance directory: base_dir, state_dir, log and auth files live below it. */
  readonly dir: string;
  readonly imapPort: number;
  readonly lmtpPort: number;
  readonly account: RunAccount;
  readonly mailCrypt: boolean;
  readonly userdbPath: string;
  readonly masterPasswdPath: string;
  /** An empty passwd-file: nobody logs in with a password of their own, only via the master user. */
  readonly noPasswdPath: string;
  /** Containment (core/containment.ts): a deny passdb listing the contained logins, asked before the others. */
  readonly denyPasswdPath?: string;
  /** Doveadm HTTP API on loopback (userdb lookups without touching a mailbox); the key is secret. */
  readonly doveadmHttp?: { readonly port: number; readonly apiKey: string };
}

// Login and helper services chroot by default, which needs root; the rehearsal never does.
const UNCHROOTED = ["anvil", "pop3-login", "submission-login", "imap-urlauth-login"];

export function renderDovecotConf(c: ConfInput): string {
  const { user, group } = c.account;
  const lines = [
    `instance_name = ${c.instanceName}`,
    `base_dir = ${c.dir}/run`,
    `state_dir = ${c.dir}/state`,
    `log_path = ${c.dir}/dovecot.log`,
    "listen = 127.0.0.1",
    "protocols = imap lmtp",
    "ssl = no",
    "disable_plaintext_auth = no",
    "auth_mechanisms = plain",
    `default_login_user = ${user}`,
    `default_internal_user = ${user}`,
    `default_internal_group = ${group}`,
    `mail_uid = ${user}`,
    `mail_gid = ${group}`,
    "first_valid_uid = 1",
    ...TARGET_MAIL_SETTINGS,
    "auth_master_user_separator = *",
    ...(c.denyPasswdPath ? [denyPassdbBlock(c.denyPasswdPath)] : []),
    `passdb {\n  driver = passwd-file\n  args = ${c.masterPasswdPath}\n  master = yes\n}`,
    `passdb {\n  driver = passwd-file\n  args = ${c.noPasswdPath}\n}`,
    `userdb {\n  driver = passwd-file\n  args = ${c.userdbPath}\n}`,
    // Reused login processes (Dovecot's "high-performance" mode): a fresh process per
    // connection costs more than the login itself.
    `service imap-login {\n  chroot =\n  service_count = 0\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${c.imapPort}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
    `service lmtp {\n  inet_listener lmtp {\n    address = 127.0.0.1\n    port = ${c.lmtpPort}\n  }\n}`,
    ...UNCHROOTED.map((s) => `service ${s} {\n  chroot =\n}`),
    ...(c.mailCrypt ? mailCryptLines() : []),
    ...(c.doveadmHttp ? doveadmHttpLines(c.doveadmHttp.port, c.doveadmHttp.apiKey) : []),
  ];
  return `${lines.join("\n")}\n`;
}

// The same lines as the migration Job's Dovecot (core/dovecot-settings.ts).
function mailCryptLines(): string[] {
  return [...MAIL_CRYPT_SETTINGS];
}

function doveadmHttpLines(port: number, apiKey: string): string[] {
  return [`doveadm_api_key = ${apiKey}`, `service doveadm {\n  inet_listener http {\n    address = 127.0.0.1\n    port = ${port}\n  }\n}`];
}
