// Dovecot passwd-file userdb: `user:password:uid:gid:gecos:home:shell:extra fields`.
// The same rendering feeds the Kubernetes Secret (infra) and the rehearsal's real Dovecot.
// core/passwd-file.ts reads it back as Dovecot does; anything else in a line is a problem there.

export interface UserdbLine {
  readonly login: string;
  readonly home: string;
  /** The per-user mail_crypt private-key password (secret: never log it). */
  readonly keyPassword: string;
}

const FORBIDDEN = /[:\s]/;

export interface RenderOptions {
  /**
   * "throw" (default) refuses a login that appears twice. The Pulumi program passes "keep": it
   * declares what the plan says and the policy pack rejects the duplicate with evidence.
   */
  readonly duplicateLogins?: "throw" | "keep";
}

/** Renders lines sorted by login; throws if a field would break the passwd-file format. */
export function renderUserdb(lines: readonly UserdbLine[], options: RenderOptions = {}): string {
  const seen = new Set<string>();
  const rendered = [...lines]
    .sort((a, b) => (a.login < b.login ? -1 : a.login > b.login ? 1 : 0))
    .map((line) => {
      for (const [field, value] of [
        ["login", line.login],
        ["home", line.home],
      ] as const) {
        if (!value || FORBIDDEN.test(value)) throw new Error(`userdb ${field} "${value}" is empty or contains ':' or whitespace`);
      }
      if (!line.keyPassword || FORBIDDEN.test(line.keyPassword)) {
        throw new Error(`userdb key password for "${line.login}" is empty or contains ':' or whitespace`);
      }
      if (seen.has(line.login) && options.duplicateLogins !== "keep") throw new Error(`userdb login "${line.login}" appears twice`);
      seen.add(line.login);
      return `${line.login}:::::${line.home}::userdb_mail_crypt_private_password=${line.keyPassword}`;
    });
  return rendered.length ? `${rendered.join("\n")}\n` : "";
}
