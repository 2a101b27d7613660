// Commands sent to a Dovecot's doveadm HTTP API (2.3: POST /doveadm/v1, a JSON array of
// [command, parameters, tag]; the answer holds [kind, payload, tag] in any order). Failures of the
// whole call throw; a failed command comes back as its own answer (kind "error", a doveadm exit code).
import { z } from "zod";
import type { DoveadmHttpEndpoint } from "./dovecot-instance";
import { requireProtectedUrl } from "../verification/transport-security";

export type DoveadmCommand = readonly [name: string, parameters: Record<string, unknown>];

export type DoveadmAnswer = { readonly ok: true; readonly payload: unknown } | { readonly ok: false; readonly exitCode?: number; readonly kind: string };

const Reply = z.array(z.tuple([z.string(), z.unknown(), z.string()]));

/** Sends the commands in one request; answers come back in the commands' order. */
export async function doveadmCall(endpoint: DoveadmHttpEndpoint, commands: readonly DoveadmCommand[], timeoutMs = 60_000): Promise<DoveadmAnswer[]> {
  requireProtectedUrl("the doveadm HTTP API (its key is sent with every request)", endpoint.url);
  const body = commands.map(([name, parameters], i) => [name, parameters, `c${i}`]);
  const response = await fetch(endpoint.url, {
    method: "POST",
    // A redirect would carry the API key to wherever it points.
    redirect: "error",
    headers: { "Content-Type": "application/json", Authorization: `X-Dovecot-API ${Buffer.from(endpoint.apiKey).toString("base64")}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok)
    throw new Error(
      `doveadm HTTP API at ${endpoint.url} answered ${response.status} ${response.statusText}${response.status === 401 ? " (wrong API key?)" : ""}`,
    );
  const parsed = Reply.safeParse(await response.json());
  if (!parsed.success) throw new Error(`doveadm HTTP API at ${endpoint.url}: unexpected answer (${parsed.error.issues[0]?.message})`);
  const answers: (DoveadmAnswer | undefined)[] = commands.map(() => undefined);
  for (const [kind, payload, tag] of parsed.data) {
    const i = Number(tag.slice(1));
    if (!Number.isInteger(i) || i < 0 || i >= commands.length) continue;
    answers[i] =
      kind === "doveadmResponse"
        ? { ok: true, payload }
        : {
            ok: false,
            kind,
            ...(typeof (payload as { exitCode?: unknown } | null)?.exitCode === "number" ? { exitCode: (payload as { exitCode: number }).exitCode } : {}),
          };
  }
  return answers.map((a, i) => a ?? { ok: false, kind: `no answer for ${commands[i]![0]}` });
}

/** "user unknown (exit 67)": what a failed command's answer means, for a report line. */
export function describeFailure(answer: Extract<DoveadmAnswer, { ok: false }>): string {
  const meaning: Record<number, string> = { 67: "user unknown", 68: "mailbox or message not found", 75: "temporary failure", 77: "permission denied" };
  return answer.exitCode === undefined ? answer.kind : `${meaning[answer.exitCode] ?? answer.kind} (exit ${answer.exitCode})`;
}
