// Reads the Dovecot passwd-file the userdb Secret carries (format of core/userdb.ts renderUserdb).
// The key password it holds is secret: callers compare it, never print it.

export interface PasswdLine {
  readonly login: string;
  readonly home: string;
  readonly keyPassword?: string;
  /** 1-based line in the passwd-file. */
  readonly line: number;
}

const KEY_FIELD = "userdb_mail_crypt_private_password=";

export function parsePasswd(text: string): PasswdLine[] {
  const lines: PasswdLine[] = [];
  text.split("\n").forEach((raw, i) => {
    if (!raw.trim()) return;
    const fields = raw.split(":");
    // Stryker disable next-line Regex: equivalent, splitting on single blanks only adds empty fields that find() skips
    const extra = fields.slice(7).join(":").split(/\s+/).find((f) => f.startsWith(KEY_FIELD));
    lines.push({
      login: fields[0] ?? "",
      home: fields[5] ?? "",
      ...(extra !== undefined ? { keyPassword: extra.slice(KEY_FIELD.length) } : {}),
      line: i + 1,
    });
  });
  return lines;
}
