// `oxmig verify`: the canary check against DEPLOYED endpoints. A unique canary goes to every address
// of the stack's bindings over LMTP; each mailbox is read as its owner through the master user; each
// must hold exactly its own canaries and none foreign; the canaries are removed again.
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { resolveBindings } from "../../core/bindings";
import { InputError, UsageError } from "../../core/errors";
import { readInventory } from "../../io/inventory";
import type { StackConfig } from "../../io/stack-config";
import { stackSelection } from "../../io/stack-selection";
import type { MailEndpoints } from "../../rehearsal/endpoints";
import { phaseProgress, type ProgressStream } from "../../rehearsal/progress";
import { buildReport, reportPassed } from "../../rehearsal/report";
import { formatReport, type ReportFormat } from "../../rehearsal/report-format";
import { verifyCanaries } from "../../rehearsal/verify";
import { expectedFromBindings } from "../../rehearsal/verify-types";
import { formatOption } from "../options";
import { requireKnownWaves } from "./rehearse";

export const PASSWORD_VARIABLE = "OXMIG_VERIFY_MASTER_PASSWORD";
const KEYS = ["verifyLmtpHost", "verifyLmtpPort", "verifyImapHost", "verifyImapPort", "verifyMasterUser"] as const;

export interface VerifyCommandOptions {
  readonly stack: string;
  readonly wave?: readonly string[];
  readonly format?: ReportFormat;
  readonly out?: string;
  /** Directory holding Pulumi.yaml and Pulumi.<stack>.yaml (default: the working directory). */
  readonly cwd?: string;
  /** Where OXMIG_VERIFY_MASTER_PASSWORD is read (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stdout?: ProgressStream;
  readonly stderr?: ProgressStream;
}

/** Endpoints from the stack config, the master password from the environment; refuses when any is missing. */
export function endpointsFromConfig(config: StackConfig, env: Readonly<Record<string, string | undefined>>): MailEndpoints {
  const missing = KEYS.filter((key) => !config.values[key]);
  if (missing.length) {
    const how = missing.map((key) => `  pulumi config set ${key} <value> --stack ${config.stack}`).join("\n");
    throw new UsageError(`${config.file} lacks ${missing.join(", ")}, needed to reach the deployed Dovecot. Set them with:\n${how}`);
  }
  const password = env[PASSWORD_VARIABLE];
  if (!password) {
    throw new UsageError(`${PASSWORD_VARIABLE} is not set. The master password is a Pulumi secret; export it with:\n  export ${PASSWORD_VARIABLE}=$(pulumi config get verifyMasterPassword --stack ${config.stack})`);
  }
  const port = (key: (typeof KEYS)[number]) => {
    const value = Number(config.values[key]);
    if (!Number.isInteger(value) || value < 1 || value > 65535) throw new InputError(config.file, `config ${key}`, `expected a port number from 1 to 65535, found "${config.values[key]}"`);
    return value;
  };
  return {
    lmtp: { host: config.values.verifyLmtpHost!, port: port("verifyLmtpPort") },
    imap: { host: config.values.verifyImapHost!, port: port("verifyImapPort") },
    masterUser: { login: config.values.verifyMasterUser!, password },
  };
}

/** Returns 0 when every mailbox holds exactly its own canaries, 1 otherwise; bad input throws (exit 2). */
export async function verifyCommand(opts: VerifyCommandOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const selection = stackSelection(opts.stack, opts.cwd);
  const endpoints = endpointsFromConfig(selection.config, opts.env ?? process.env);
  const inventory = readInventory(selection.inventoryDir);
  requireKnownWaves(inventory, opts.wave);
  const bindings = resolveBindings(inventory, { ...selection.resolve, ...(opts.wave ? { waves: opts.wave } : {}) });
  if (bindings.length === 0) throw new UsageError(`stack ${opts.stack} selects no mailboxes`);
  const progress = phaseProgress(opts.stderr ?? process.stderr);
  const started = performance.now();
  progress.start("verify", bindings.length);
  const findings = await verifyCanaries(endpoints, expectedFromBindings(bindings), { onMailbox: () => progress.tick() }).finally(() => progress.end("verify"));
  const title = `Canary check of stack ${opts.stack}: ${bindings.length} mailboxes via LMTP ${endpoints.lmtp.host}:${endpoints.lmtp.port}, IMAP ${endpoints.imap.host}:${endpoints.imap.port}`;
  const report = buildReport({ title, bindings, findings, timings: [{ phase: "verify", total: bindings.length, ms: performance.now() - started }] });
  const text = formatReport(report, opts.format ?? "text");
  if (opts.out) {
    writeFileSync(opts.out, text);
    stdout.write(`${reportPassed(report) ? "PASSED" : "FAILED"}: report written to ${opts.out}\n`);
  } else stdout.write(text);
  return reportPassed(report) ? 0 : 1;
}

export function registerVerify(program: Command): void {
  program
    .command("verify")
    .description(`canary check against the deployed Dovecot (stack config ${KEYS.join(", ")}; master password from $${PASSWORD_VARIABLE})`)
    .requiredOption("--stack <stack>", "stack name (reads Pulumi.<stack>.yaml and its inventory)")
    .option("--wave <name...>", "only these waves (default: the stack's selection)")
    .addOption(formatOption(["text", "json", "junit"]))
    .option("--out <file>", "write the report to this file instead of stdout")
    .action(async (opts: VerifyCommandOptions) => {
      process.exitCode = await verifyCommand(opts);
    });
}
