// Valid provider inputs for the OX tests; each test changes the one thing it is about.

import { vi } from "vitest";
import { USER_ATTRIBUTES } from "@oxmig/core/contract";
import { OX_ENV } from "../../../infra/ox/connection";
import type { OxConnection } from "../../../infra/ox/soap-client";
import type { OxTestServer } from "../../support/ox-test-server";

/** The context admin the provider gives the contexts it creates, and authenticates user calls as. */
export const CONTEXT_ADMIN = { login: "oxadmin", password: "ctx-admin-Sëcret&<2" } as const;

export const connectionTo = (server: OxTestServer, password = server.master.password): OxConnection => ({
  endpoint: server.url,
  adminUser: server.master.login,
  adminPassword: password,
  contextAdminUser: CONTEXT_ADMIN.login,
  contextAdminPassword: CONTEXT_ADMIN.password,
});

/** Master admin only: user calls then need MASTER_ACCOUNT_OVERRIDE on the server. */
export function masterOnly(connection: OxConnection): OxConnection {
  const { contextAdminUser: _u, contextAdminPassword: _p, ...rest } = connection;
  return rest;
}

/**
 * Points the providers at `connection` through the OXMIG_OX_* variables (in-process nothing calls
 * `configure`, so the environment is their source; undo with vi.unstubAllEnvs()).
 */
export function useConnection(connection: OxConnection): void {
  vi.stubEnv(OX_ENV.endpoint, connection.endpoint);
  vi.stubEnv(OX_ENV.adminUser, connection.adminUser);
  vi.stubEnv(OX_ENV.adminPassword, connection.adminPassword);
  vi.stubEnv(OX_ENV.contextAdminUser, connection.contextAdminUser);
  vi.stubEnv(OX_ENV.contextAdminPassword, connection.contextAdminPassword);
}

/** Runs `action` with the providers pointed at `connection`, then back at `previous`. */
export async function withConnection<T>(connection: OxConnection, previous: OxConnection, action: () => Promise<T>): Promise<T> {
  useConnection(connection);
  try {
    return await action();
  } finally {
    useConnection(previous);
  }
}

let nextContextId = 100;

/** A context with the plan's id (OX needs one on create unless autocontextid assigns it); null: none. */
export function contextInputs(name = "schule-nord", contextId: number | null = nextContextId++): Record<string, unknown> {
  return { name, ...(contextId !== null && { contextId }), maxQuotaMb: 10240, loginMappings: [`${name}.example`] };
}

/** Test-speed call policy for the providers, which read it from the environment (timeout generous: a loaded machine). */
export const FAST_CALLS = { OXMIG_OX_ATTEMPTS: "3", OXMIG_OX_RETRY_DELAY_MS: "5", OXMIG_OX_TIMEOUT_MS: "5000" } as const;
/** For tests that provoke timeouts: short enough to be quick, long enough not to fire by accident; hangs last longer. */
export const SHORT_TIMEOUT = { OXMIG_OX_TIMEOUT_MS: "1000" } as const;
export const HANG_MS = 4_000;

/** Sets the providers' call policy for this test file (undo with vi.unstubAllEnvs()). */
export function stubCallPolicy(...envs: Record<string, string>[]): void {
  for (const [name, value] of Object.entries(Object.assign({}, ...envs) as Record<string, string>)) vi.stubEnv(name, value);
}

/** A personal mailbox user for `local`@schule-nord.example in the given context. */
export function userInputs(contextId: number, local = "anna.beispiel", displayName = "Anna Beispiel"): Record<string, unknown> {
  const primary = `${local}@schule-nord.example`;
  return {
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
