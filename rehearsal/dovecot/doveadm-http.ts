// Userdb lookups over the doveadm HTTP API (Dovecot 2.3: `doveadm_api_key`, `inet_listener http` on
// service doveadm; POST /doveadm/v1 with `["user", {"userMask": [login]}, tag]`). A userdb lookup never
// opens a mailbox, so it is safe before a wave's first `backup -R`. The key password in each answer is
// turned into an HMAC with a per-run nonce at once; the plain value is never kept or printed.
import { createHmac } from "node:crypto";
import { z } from "zod";
import type { DoveadmHttpEndpoint } from "./dovecot-instance";
import { doveadmCall, type DoveadmAnswer } from "./doveadm-api";

/** What the running userdb gives one login; `keyFingerprint` is HMAC(nonce, key password). */
export interface UserdbFacts {
  readonly home?: string;
  readonly keyFingerprint?: string;
}

export type UserdbAnswer = { readonly found: true; readonly facts: UserdbFacts } | { readonly found: false; readonly why: string };

const BATCH = 100;
const Fields = z.record(z.string(), z.record(z.string(), z.string()));

export function keyFingerprint(nonce: Buffer, keyPassword: string): string {
  return createHmac("sha256", nonce).update(keyPassword).digest("hex").slice(0, 16);
}

/** One answer per login; HTTP or authentication failures throw (they concern the whole run). */
export async function lookupUserdbHttp(endpoint: DoveadmHttpEndpoint, logins: readonly string[], nonce: Buffer): Promise<Map<string, UserdbAnswer>> {
  const answers = new Map<string, UserdbAnswer>();
  for (let i = 0; i < logins.length; i += BATCH) {
    const batch = logins.slice(i, i + BATCH);
    const replies = await doveadmCall(
      endpoint,
      batch.map((login) => ["user", { userMask: [login] }] as const),
      30_000,
    );
    batch.forEach((login, j) => answers.set(login, answerOf(replies[j]!, login, nonce)));
  }
  return answers;
}

function answerOf(reply: DoveadmAnswer, login: string, nonce: Buffer): UserdbAnswer {
  if (!reply.ok) return { found: false, why: reply.exitCode === 67 ? "unknown to the userdb" : `lookup failed (${reply.kind}, exit ${reply.exitCode ?? "?"})` };
  const fields = Fields.safeParse(reply.payload);
  const entry = fields.success ? fields.data[login] : undefined;
  if (!entry) return { found: false, why: "lookup answered without this login" };
  const key = entry.mail_crypt_private_password;
  return { found: true, facts: { ...(entry.home ? { home: entry.home } : {}), ...(key ? { keyFingerprint: keyFingerprint(nonce, key) } : {}) } };
}
