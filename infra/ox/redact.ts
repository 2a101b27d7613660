// Keeps credentials out of error messages. OX, or a proxy in front of it, may echo the request into
// a fault or an error page, and every request carries the admin password (and a create, the new
// user's password): such text is never copied into an error.

/** Credential-bearing elements of our requests, with any prefix, as text or XML-escaped text. */
const CREDENTIAL_ELEMENT = /<\s*([\w.-]+:)?(auth|credentials|password)\b[^>]*>[\s\S]*?<\s*\/\s*(?:[\w.-]+:)?\2\s*>/gi;
const ESCAPED_CREDENTIAL_ELEMENT = /&lt;\s*([\w.-]+:)?(auth|credentials|password)\b[\s\S]*?&lt;\s*\/\s*(?:[\w.-]+:)?\2\s*&gt;/gi;

const WITHHELD = "[answer text withheld: it contained a credential]";
const MAX_LENGTH = 400;

function xmlEscaped(secret: string): string[] {
  const basic = secret.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return [basic, basic.replace(/"/g, "&quot;").replace(/'/g, "&apos;")];
}

/** The forms in which a secret may come back: as sent, XML-escaped, URL-encoded, base64. */
function secretForms(secret: string): string[] {
  return [secret, ...xmlEscaped(secret), encodeURIComponent(secret), Buffer.from(secret, "utf8").toString("base64")];
}

/**
 * `text` fit for an error message: credential elements removed, withheld entirely if any secret
 * still appears in any form, shortened to a few hundred characters.
 */
export function redact(text: string, secrets: readonly string[]): string {
  const stripped = text.replace(CREDENTIAL_ELEMENT, "[credentials removed]").replace(ESCAPED_CREDENTIAL_ELEMENT, "[credentials removed]");
  const forms = secrets.filter((s) => s.length > 0).flatMap(secretForms);
  if (forms.some((form) => stripped.includes(form))) return WITHHELD;
  return stripped.length > MAX_LENGTH ? `${stripped.slice(0, MAX_LENGTH)}…` : stripped;
}
