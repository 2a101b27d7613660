// Containment in the incident drill, and the proof that it does what docs/incident.md promises: the
// person's own IMAP login is refused while master-user access keeps working (delivery and doveadm go
// on too; the drill delivers and cleans while contained). The rehearsal's target has no user
// passwords, so the drill gives the logins it tries a throwaway one (random per run, never printed).
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { ImapFlow, type ImapTransport } from "imapflow";
import { renderDenyList } from "@oxmig/core/containment";
import { loginProblem } from "@oxmig/core/login";
import type { DovecotInstance } from "../dovecot/dovecot-instance";

export type LoginOutcome = { readonly ok: true } | { readonly ok: false; readonly why: string };

export interface LoginProbe {
  readonly login: string;
  /** The person's own login with their password. */
  readonly own: LoginOutcome;
  /** `<login>*<master>`: what the cleanup, OX and support use. */
  readonly master: LoginOutcome;
}

/** A throwaway password per login. Secret: never printed. */
export function drillPasswords(logins: readonly string[]): Map<string, string> {
  return new Map(logins.map((login) => [login, randomBytes(18).toString("hex")]));
}

/** passwd-file lines for the target's password passdb. */
export function renderPasswords(passwords: ReadonlyMap<string, string>): string {
  return [...passwords]
    .map(([login, password]) => {
      const problem = loginProblem(login);
      if (problem) throw new Error(`cannot give "${login}" a password: ${problem}`);
      return `${login}:{PLAIN}${password}\n`;
    })
    .join("");
}

let nextSource = 0;

/**
 * Each attempt from its own loopback address (127.77.x.y; Linux routes all of 127/8 to lo): Dovecot's
 * auth penalty delays every login from an address that failed before (seen: 4 s after two refusals,
 * growing to 15 s), which the refusals the drill provokes would otherwise pile up wave after wave.
 */
function freshLoopbackSource(): ImapTransport {
  const n = nextSource++ % 65_000;
  const localAddress = `127.77.${Math.floor(n / 250)}.${(n % 250) + 2}`;
  return { connect: (options, onConnect) => connect({ host: options.host, port: options.port, localAddress }, onConnect) };
}

/** One IMAP login on loopback (AUTHENTICATE PLAIN), then LOGOUT; a refusal is returned, not thrown. */
export async function imapLogin(port: number, user: string, password: string): Promise<LoginOutcome> {
  const client = new ImapFlow({
    host: "127.0.0.1",
    port,
    secure: false,
    doSTARTTLS: false,
    logger: false,
    auth: { user, pass: password },
    socketTimeout: 30_000,
    transport: freshLoopbackSource(),
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.logout();
    return { ok: true };
  } catch (err) {
    client.close();
    const e = err as { message?: string; responseText?: string };
    return { ok: false, why: e.responseText ?? e.message ?? String(err) };
  }
}

/** Tries each login as its person and through the master user, all at once (Dovecot delays every failure by ~2 s). */
export function probeLogins(target: DovecotInstance, passwords: ReadonlyMap<string, string>): Promise<LoginProbe[]> {
  const master = target.masterUser;
  return Promise.all(
    [...passwords].map(async ([login, password]) => {
      const [own, viaMaster] = await Promise.all([
        imapLogin(target.imapPort, login, password),
        imapLogin(target.imapPort, `${login}*${master.login}`, master.password),
      ]);
      return { login, own, master: viaMaster };
    }),
  );
}

/** The deny list as the plan's `contain:` renders it: exactly these logins (none: nobody contained). */
export function contain(target: DovecotInstance, logins: readonly string[]): Promise<void> {
  return target.replaceDenyList(renderDenyList(logins));
}
