// The mail of the incident drill besides the seeded source mail: new mail delivered to the targets after
// cut-over (over LMTP, to every address of every target, to the login the MTA routes it to), and the
// final read of each target (doveadm HTTP API: Message-IDs only, never a body).
import { randomBytes } from "node:crypto";
import { readTargetMail } from "../../audit/target-mail";
import type { Binding } from "@oxmig/core/model";
import type { DovecotInstance } from "../dovecot/dovecot-instance";
import { endpointsOf } from "../verification/endpoints";
import { deliverLmtp, rawMessage } from "../dovecot/lmtp";
import { mapLimited } from "../migration/map-limited";

export interface Delivery {
  /** Target login → Message-IDs delivered to it. */
  readonly byLogin: ReadonlyMap<string, readonly string[]>;
  /** "address: reply" of every refused message. */
  readonly refused: readonly string[];
  readonly count: number;
}

/** One new message to each address of each mailbox, delivered to the login `routes` gives that address. */
export async function deliverAfterCutOver(
  target: DovecotInstance,
  wave: readonly Binding[],
  routes: ReadonlyMap<string, string>,
  round: string,
): Promise<Delivery> {
  const run = randomBytes(4).toString("hex");
  const planned = wave.flatMap((b) =>
    b.addresses.map((address, i) => ({
      address,
      login: routes.get(address.normalised) ?? b.dovecotLogin,
      messageId: `<after-cut-over-${round}-${run}-${b.mailboxId}-${i + 1}@drill.oxmig.example>`,
    })),
  );
  const outcomes = await deliverLmtp(
    endpointsOf(target).lmtp,
    planned.map((p) => ({
      recipient: p.login,
      raw: rawMessage(
        { To: p.address.display, Subject: `After cut-over (${round})`, "Message-ID": p.messageId, Date: new Date(Date.UTC(2026, 0, 5)).toUTCString() },
        "Delivered to the target after cut-over.\n",
      ),
    })),
    4,
  );
  const byLogin = new Map<string, string[]>();
  planned.forEach((p, i) => {
    if (outcomes[i]?.ok) byLogin.set(p.login, [...(byLogin.get(p.login) ?? []), p.messageId]);
  });
  return { byLogin, refused: outcomes.filter((o) => !o.ok).map((o) => `${o.recipient}: ${o.reply}`), count: planned.length };
}

/** Message-IDs each target holds (undefined for a message without one), or why it could not be read. */
export async function readMessageIds(target: DovecotInstance, logins: readonly string[]): Promise<Map<string, (string | undefined)[] | { error: string }>> {
  const endpoint = target.doveadmHttp;
  if (!endpoint) throw new Error("the rehearsal target has no doveadm HTTP API");
  const reads = await mapLimited(logins, 4, async (login) => [login, await readTargetMail(endpoint, login)] as const);
  return new Map(reads.map(([login, read]) => [login, "messages" in read ? read.messages.map((m) => m.messageId) : { error: read.error }]));
}
