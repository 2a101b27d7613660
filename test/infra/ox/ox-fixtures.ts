// Valid provider inputs for the OX tests; each test changes the one thing it is about.

import { USER_ATTRIBUTES } from "../../../core/contract";
import type { OxConnection } from "../../../infra/ox/soap-client";
import type { OxTestServer } from "../../support/ox-test-server";

export const connectionTo = (server: OxTestServer, password = server.master.password): OxConnection => ({
  endpoint: server.url,
  adminUser: server.master.login,
  adminPassword: password,
});

export function contextInputs(server: OxTestServer, name = "schule-nord"): Record<string, unknown> {
  return { connection: connectionTo(server), name, maxQuotaMb: 10240, loginMappings: [`${name}.example`] };
}

/** A personal mailbox user for `local`@schule-nord.example in the given context. */
export function userInputs(server: OxTestServer, contextId: number, local = "anna.beispiel", displayName = "Anna Beispiel"): Record<string, unknown> {
  const primary = `${local}@schule-nord.example`;
  return {
    connection: connectionTo(server),
    contextName: "schule-nord",
    contextId,
    name: local,
    displayName,
    givenName: displayName.split(" ")[0],
    surName: displayName.split(" ").slice(1).join(" "),
    primaryEmail: primary,
    email1: primary,
    defaultSenderAddress: primary,
    aliases: [primary, `${local}@alt.schule-nord.example`],
    imapLogin: local,
    imapServer: "imap://dovecot.mail.svc:143",
    smtpServer: "smtp://postfix.mail.svc:587",
    userAttributes: {
      [USER_ATTRIBUTES.mailboxId]: "3f2b0c6e-4a51-4d0e-9a57-0c1d2e3f4a5b",
      [USER_ATTRIBUTES.kind]: "personal",
    },
  };
}
