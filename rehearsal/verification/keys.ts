// Own key: the running userdb must give each login the key password of ITS mailbox (key-<mailboxId>).
// With two passwords swapped Dovecot stays consistent (keys are made on first save with whatever
// password it gets), so bodies stay readable; only this comparison shows whose key a mailbox uses.
import type { UserdbEntry } from "./userdb-lookup";
import type { ExpectedMailbox, Finding } from "./types";

export function verifyOwnKeys(
  expected: readonly ExpectedMailbox[],
  passwords: ReadonlyMap<string, string>,
  running: ReadonlyMap<string, UserdbEntry>,
): Finding[] {
  const ownerOfPassword = new Map([...passwords].map(([mailboxId, password]) => [password, mailboxId]));
  const byId = new Map(expected.map((m) => [m.mailboxId, m]));
  return expected.map((mailbox) => {
    const finding = (ok: boolean, detail: string): Finding => ({ mailboxId: mailbox.mailboxId, login: mailbox.login, check: "key", ok, detail });
    const given = running.get(mailbox.login)?.keyPassword;
    if (given === undefined) return finding(false, `the running userdb gives ${mailbox.login} no key password`);
    if (given === passwords.get(mailbox.mailboxId)) return finding(true, `uses its own key key-${mailbox.mailboxId}`);
    const other = byId.get(ownerOfPassword.get(given) ?? "");
    const whose = other ? `the key of ${other.mailboxId} (login ${other.login})` : "a key of no rehearsed mailbox";
    return finding(false, `${mailbox.login} uses ${whose}, not its own key key-${mailbox.mailboxId}`);
  });
}
