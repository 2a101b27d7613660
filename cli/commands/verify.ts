// `oxmig verify` against DEPLOYED endpoints, by phase. Waves still copying get userdb lookups only
// (doveadm HTTP API: home and key per login, no mailbox touched — a delivery before the final
// `backup -R` would make it fail or expunge). Waves at cut-over or later get canaries: a unique one to
// every address over LMTP, each mailbox read as its owner through the master user, exactly its own
// canaries and none foreign, canaries removed again.
import { randomBytes } from "node:crypto";
import { lifecycleOf } from "@oxmig/core/lifecycle";
import type { Binding, Wave } from "@oxmig/core/model";
import { InputError, UsageError } from "@oxmig/core/errors";
import { readInventory } from "../../io/inventory";
import type { StackFile } from "../../io/stack-config";
import { selectedBindings, stackSelection } from "../../io/stack-selection";
import type { HostPort, MailEndpoints } from "../../rehearsal/verification/endpoints";
import { phaseProgress, type ProgressStream } from "../../rehearsal/report/progress";
import { buildReport, reportPassed } from "../../rehearsal/report/run-report";
import { formatReport, type ReportFormat } from "../../rehearsal/report/format";
import { lookupUserdbHttp } from "../../rehearsal/dovecot/doveadm-http";
import { writeOutFile } from "../out-file";
import type { DoveadmHttpEndpoint } from "../../rehearsal/dovecot/dovecot-instance";
import { verifyCanaries } from "../../rehearsal/verification/verify";
import { expectedFromBindings, type Finding } from "../../rehearsal/verification/types";
import { verifyUserdbAnswers } from "../../rehearsal/verification/userdb";
import { defaultSecurity, isLoopbackHost, TRANSPORT_SECURITIES, type TransportSecurity } from "../../rehearsal/verification/transport-security";

import { DOVEADM_KEY_VARIABLE, ENDPOINT_KEYS as KEYS, PASSWORD_VARIABLE, SECURITY_KEYS, type VerifyCheck } from "../specs/verify";

export { DOVEADM_KEY_VARIABLE, PASSWORD_VARIABLE, type VerifyCheck };

export interface VerifyCommandOptions {
  readonly stack: string;
  readonly wave?: readonly string[];
  readonly format?: ReportFormat;
  readonly out?: string;
  readonly check?: VerifyCheck;
  /** Directory holding Pulumi.yaml and Pulumi.<stack>.yaml (default: the working directory). */
  readonly cwd?: string;
  /** Where OXMIG_VERIFY_MASTER_PASSWORD and OXMIG_VERIFY_DOVEADM_KEY are read (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stdout?: ProgressStream;
  readonly stderr?: ProgressStream;
}

/** Endpoints from the stack config, the master password from the environment; refuses when any is missing. */
export function endpointsFromConfig(config: StackFile, env: Readonly<Record<string, string | undefined>>): MailEndpoints {
  const missing = KEYS.filter((key) => !config.values[key] || config.values[key] === "0");
  if (missing.length) {
    const how = missing.map((key) => `  pulumi config set ${key} <value> --stack ${config.stack}`).join("\n");
    throw new UsageError(`${config.file} lacks ${missing.join(", ")}, needed to reach the deployed Dovecot. Set them with:\n${how}`);
  }
  const password = env[PASSWORD_VARIABLE];
  if (!password) {
    throw new UsageError(
      `${PASSWORD_VARIABLE} is not set. The master password is a Pulumi secret; export it with:\n  export ${PASSWORD_VARIABLE}=$(pulumi config get verifyMasterPassword --stack ${config.stack})`,
    );
  }
  const port = (key: (typeof KEYS)[number]) => {
    const value = Number(config.values[key]);
    if (!Number.isInteger(value) || value < 1 || value > 65535)
      throw new InputError(config.file, `config ${key}`, `expected a port number from 1 to 65535, found "${config.values[key]}"`);
    return value;
  };
  const lmtp = { host: config.values.verifyLmtpHost!, port: port("verifyLmtpPort") };
  const imap = { host: config.values.verifyImapHost!, port: port("verifyImapPort") };
  return {
    lmtp: { ...lmtp, security: securityFromConfig(config, "lmtp", lmtp, "the canaries") },
    imap: { ...imap, security: securityFromConfig(config, "imap", imap, "the master password") },
    masterUser: { login: config.values.verifyMasterUser!, password },
  };
}

/** verifyImapTls / verifyLmtpTls; refuses (exit 2, before any connection) cleartext to a host that is not loopback. */
function securityFromConfig(config: StackFile, protocol: keyof typeof SECURITY_KEYS, endpoint: HostPort, exposed: string): TransportSecurity {
  const key = SECURITY_KEYS[protocol];
  const raw = config.values[key];
  if (raw === undefined || raw === "") return defaultSecurity(endpoint.host);
  const security = TRANSPORT_SECURITIES.find((s) => s === raw);
  if (!security) throw new InputError(config.file, `config ${key}`, `expected ${TRANSPORT_SECURITIES.join(", ")}, found "${raw}"`);
  if (security === "none" && !isLoopbackHost(endpoint.host)) {
    throw new InputError(
      config.file,
      `config ${key}`,
      `"none" would send ${exposed} in cleartext to ${endpoint.host}, which is not loopback (127.0.0.0/8, ::1, localhost); use tls (implicit TLS) or starttls`,
    );
  }
  return security;
}

/** The doveadm HTTP API endpoint from `verifyDoveadmUrl`, its key from the environment; refuses when either is missing. */
export function doveadmFromConfig(config: StackFile, env: Readonly<Record<string, string | undefined>>): DoveadmHttpEndpoint {
  const url = config.values.verifyDoveadmUrl;
  if (!url) {
    throw new UsageError(
      `${config.file} lacks verifyDoveadmUrl, needed for userdb lookups before cut-over (doveadm HTTP API, e.g. https://dovecot.example:8443/doveadm/v1; http only on loopback). Set it with:\n  pulumi config set verifyDoveadmUrl <url> --stack ${config.stack}`,
    );
  }
  if (!/^https?:\/\/[^\s/]+\/doveadm\/v1$/.test(url))
    throw new InputError(config.file, "config verifyDoveadmUrl", `expected http(s)://<host>:<port>/doveadm/v1, found "${url}"`);
  const host = new URL(url).hostname;
  if (url.startsWith("http:") && !isLoopbackHost(host)) {
    throw new InputError(
      config.file,
      "config verifyDoveadmUrl",
      `http:// would send the doveadm API key in cleartext to ${host}, which is not loopback (127.0.0.0/8, ::1, localhost); use https://`,
    );
  }
  const apiKey = env[DOVEADM_KEY_VARIABLE];
  if (!apiKey)
    throw new UsageError(
      `${DOVEADM_KEY_VARIABLE} is not set. It is the target's doveadm_api_key (a secret); export it with:\n  export ${DOVEADM_KEY_VARIABLE}=$(pulumi config get verifyDoveadmKey --stack ${config.stack})`,
    );
  return { url, apiKey };
}

function securityLabel(endpoint: HostPort): string {
  return endpoint.security === "tls" ? "TLS" : endpoint.security === "starttls" ? "STARTTLS" : "no TLS, loopback";
}

/** Which waves get canaries; refuses (exit 2) canaries for a wave whose lifecycle does not allow them. */
export function canaryWaves(waves: readonly Wave[], check: VerifyCheck): Set<string> {
  const allowed = (w: Wave) => lifecycleOf(w).canaries;
  if (check === "canaries") {
    const refused = waves.filter((w) => !allowed(w));
    if (refused.length) {
      const named = refused.map((w) => `${w.name} (phase ${w.phase}${w.canaries === false ? ", canaries: false" : ""})`).join(", ");
      throw new UsageError(
        `refusing to deliver canaries to wave(s) ${named}: a delivery before the final backup -R makes backup -R fail or expunge the target's mail. Verify these waves with --check userdb until they are cut over.`,
      );
    }
  }
  return new Set(waves.filter((w) => check !== "userdb" && allowed(w)).map((w) => w.name));
}

async function userdbCheck(config: StackFile, env: Readonly<Record<string, string | undefined>>, bindings: readonly Binding[]): Promise<Finding[]> {
  const endpoint = doveadmFromConfig(config, env);
  const expected = expectedFromBindings(bindings);
  const answers = await lookupUserdbHttp(
    endpoint,
    expected.map((m) => m.login),
    randomBytes(32),
  );
  return verifyUserdbAnswers(expected, answers);
}

/** Returns 0 when every check passed, 1 otherwise; bad input or a refused canary throws (exit 2). */
export async function verifyCommand(opts: VerifyCommandOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const env = opts.env ?? process.env;
  const selection = stackSelection(opts.stack, opts.cwd);
  const inventory = readInventory(selection.inventoryDir);
  const bindings = selectedBindings(selection, inventory, opts.wave ? { waves: opts.wave } : {});
  if (bindings.length === 0) throw new UsageError(`stack ${opts.stack} selects no mailboxes`);
  const selected = new Set(bindings.map((b) => b.wave));
  const canaried = canaryWaves(
    inventory.plan.waves.filter((w) => selected.has(w.name)),
    opts.check ?? "auto",
  );
  const [forCanaries, forUserdb] = [bindings.filter((b) => canaried.has(b.wave)), bindings.filter((b) => !canaried.has(b.wave))];
  const endpoints = forCanaries.length ? endpointsFromConfig(selection.config, env) : undefined;
  if (forUserdb.length) doveadmFromConfig(selection.config, env);
  const progress = phaseProgress(opts.stderr ?? process.stderr);
  const started = performance.now();
  progress.start("verify", bindings.length);
  const findings = await (async () => [
    ...(forUserdb.length ? await userdbCheck(selection.config, env, forUserdb).finally(() => progress.tick(forUserdb.length)) : []),
    ...(endpoints ? await verifyCanaries(endpoints, expectedFromBindings(forCanaries), { onMailbox: () => progress.tick() }) : []),
  ])().finally(() => progress.end("verify"));
  const parts = [
    ...(forUserdb.length ? [`userdb lookups for ${forUserdb.length} (waves before cut-over) via ${selection.config.values.verifyDoveadmUrl}`] : []),
    ...(endpoints
      ? [
          `canaries for ${forCanaries.length} via LMTP ${endpoints.lmtp.host}:${endpoints.lmtp.port} (${securityLabel(endpoints.lmtp)}), IMAP ${endpoints.imap.host}:${endpoints.imap.port} (${securityLabel(endpoints.imap)})`,
        ]
      : []),
  ];
  const report = buildReport({
    title: `Verification of stack ${opts.stack}: ${bindings.length} mailboxes; ${parts.join("; ")}`,
    bindings,
    findings,
    timings: [{ phase: "verify", total: bindings.length, ms: performance.now() - started }],
  });
  const text = formatReport(report, opts.format ?? "text");
  if (opts.out) {
    writeOutFile(opts.out, text);
    stdout.write(`${reportPassed(report) ? "PASSED" : "FAILED"}: report written to ${opts.out}\n`);
  } else stdout.write(text);
  return reportPassed(report) ? 0 : 1;
}
