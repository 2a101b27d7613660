// Userdb lookups over the doveadm HTTP API (Dovecot 2.3: `doveadm_api_key`, `inet_listener http` on
// service doveadm; POST /doveadm/v1 with `["user", {"userMask": [login]}, tag]`). A userdb lookup never
// opens a mailbox, so it is safe before a wave's first `backup -R`. The key password in each answer is
// turned into an HMAC with a per-run nonce at once; the plain value is never kept or printed.
import { createHmac } from "node:crypto";
import { z } from "zod";
import type { DoveadmHttpEndpoint } from "./dovecot-instance";

/** What the running userdb gives one login; `keyFingerprint` is HMAC(nonce, key password). */
export interface UserdbFacts {
  readonly home?: string;
  readonly keyFingerprint?: string;
}

export type UserdbAnswer = { readonly found: true; readonly facts: UserdbFacts } | { readonly found: false; readonly why: string };

const BATCH = 100;
const Reply = z.array(z.tuple([z.string(), z.unknown(), z.string()]));
const Fields = z.record(z.string(), z.record(z.string(), z.string()));

export function keyFingerprint(nonce: Buffer, keyPassword: string): string {
  return createHmac("sha256", nonce).update(keyPassword).digest("hex").slice(0, 16);
}

/** One answer per login; HTTP or authentication failures throw (they concern the whole run). */
export async function lookupUserdbHttp(endpoint: DoveadmHttpEndpoint, logins: readonly string[], nonce: Buffer): Promise<Map<string, UserdbAnswer>> {
  const answers = new Map<string, UserdbAnswer>();
  for (let i = 0; i < logins.length; i += BATCH) {
    const batch = logins.slice(i, i + BATCH);
    const body = batch.map((login, j) => ["user", { userMask: [login] }, `u${i + j}`]);
    const response = await fetch(endpoint.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `X-Dovecot-API ${Buffer.from(endpoint.apiKey).toString("base64")}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) throw new Error(`doveadm HTTP API at ${endpoint.url} answered ${response.status} ${response.statusText}${response.status === 401 ? " (wrong API key?)" : ""}`);
    const parsed = Reply.safeParse(await response.json());
    if (!parsed.success) throw new Error(`doveadm HTTP API at ${endpoint.url}: unexpected answer (${parsed.error.issues[0]?.message})`);
    for (const [kind, payload, tag] of parsed.data) {
      const login = batch[Number(tag.slice(1)) - i];
      if (login !== undefined) answers.set(login, answerOf(kind, payload, login, nonce));
    }
  }
  return answers;
}

function answerOf(kind: string, payload: unknown, login: string, nonce: Buffer): UserdbAnswer {
  if (kind !== "doveadmResponse") {
    const code = (payload as { exitCode?: number } | null)?.exitCode;
    return { found: false, why: code === 67 ? "unknown to the userdb" : `lookup failed (${kind}, exit ${code ?? "?"})` };
  }
  const fields = Fields.safeParse(payload);
  const entry = fields.success ? fields.data[login] : undefined;
  if (!entry) return { found: false, why: "lookup answered without this login" };
  const key = entry.mail_crypt_private_password;
  return { found: true, facts: { ...(entry.home ? { home: entry.home } : {}), ...(key ? { keyFingerprint: keyFingerprint(nonce, key) } : {}) } };
}
