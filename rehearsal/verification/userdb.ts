// Verification before cut-over: only what the running userdb answers for each login (home and key),
// no delivery, no login, no mailbox opened — a target must stay untouched until its first `backup -R`.
// Keys are compared as HMAC fingerprints with a per-run nonce, never as values.
import type { UserdbAnswer } from "../dovecot/doveadm-http";
import type { ExpectedMailbox, Finding } from "./types";

/**
 * `expectedKeys`: mailboxId → fingerprint of the key the bindings give it (same nonce). Without it the
 * key check can only require a key that no other login shares.
 */
export function verifyUserdbAnswers(
  expected: readonly ExpectedMailbox[],
  answers: ReadonlyMap<string, UserdbAnswer>,
  expectedKeys?: ReadonlyMap<string, string>,
): Finding[] {
  const facts = new Map(
    expected.map((m) => {
      const answer = answers.get(m.login);
      return [m.mailboxId, answer?.found ? answer.facts : undefined] as const;
    }),
  );
  const label = (m: ExpectedMailbox) => `${m.mailboxId} (login ${m.login})`;
  return expected.flatMap((mailbox) => {
    const finding = (check: "userdb" | "key", ok: boolean, detail: string): Finding => ({
      mailboxId: mailbox.mailboxId,
      login: mailbox.login,
      check,
      ok,
      detail,
    });
    const answer = answers.get(mailbox.login);
    if (!answer?.found) return [finding("userdb", false, `${mailbox.login}: ${answer?.why ?? "no answer from the userdb"}`)];
    const { home, keyFingerprint } = answer.facts;
    const others = expected.filter((m) => m !== mailbox);
    const homeOwner = others.find((m) => m.home === home);
    const sharing = others.filter((m) => facts.get(m.mailboxId)?.home === home);
    const homeFinding =
      home !== mailbox.home
        ? finding(
            "userdb",
            false,
            `userdb gives ${mailbox.login} the home ${home ?? "(none)"}, ${homeOwner ? `the home of ${label(homeOwner)}` : "no expected mailbox's home"}; expected ${mailbox.home}`,
          )
        : sharing.length
          ? finding("userdb", false, `userdb also gives this home to ${sharing.map(label).join(", ")}`)
          : finding("userdb", true, `${mailbox.login} resolves to its own home`);
    return [homeFinding, keyFinding(mailbox, keyFingerprint, expected, facts, expectedKeys, finding)];
  });
}

function keyFinding(
  mailbox: ExpectedMailbox,
  given: string | undefined,
  expected: readonly ExpectedMailbox[],
  facts: ReadonlyMap<string, { keyFingerprint?: string } | undefined>,
  expectedKeys: ReadonlyMap<string, string> | undefined,
  finding: (check: "key", ok: boolean, detail: string) => Finding,
): Finding {
  const label = (m: ExpectedMailbox) => `${m.mailboxId} (login ${m.login})`;
  if (given === undefined) return finding("key", false, `the running userdb gives ${mailbox.login} no key password`);
  if (expectedKeys) {
    if (given === expectedKeys.get(mailbox.mailboxId)) return finding("key", true, `uses its own key key-${mailbox.mailboxId} (fingerprints match)`);
    const owner = expected.find((m) => expectedKeys.get(m.mailboxId) === given);
    return finding(
      "key",
      false,
      `${mailbox.login} uses ${owner ? `the key of ${label(owner)}` : "a key of no verified mailbox"}, not its own key key-${mailbox.mailboxId}`,
    );
  }
  const sharing = expected.filter((m) => m !== mailbox && facts.get(m.mailboxId)?.keyFingerprint === given);
  return sharing.length
    ? finding("key", false, `${mailbox.login} shares its key with ${sharing.map(label).join(", ")}`)
    : finding("key", true, "has a key no other login shares (own key not provable without the expected keys)");
}
