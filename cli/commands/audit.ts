// `oxmig audit`: which deployed target mailboxes hold someone else's mail, judged by the exports.
// Read-only. Targets through their doveadm HTTP API (verifyDoveadmUrl, as `verify` uses), sources over
// IMAP as the migration Job's imapc reaches them (master user with the owner's login as authzid).
// `oxmig clean` (cli/commands/clean.ts) removes exactly what this finds.
import { foundForeign, incomplete } from "@oxmig/core/audit";
import { InputError, UsageError } from "@oxmig/core/errors";
import { sourceEvidence } from "@oxmig/core/source-ownership";
import { readInventory } from "../../io/inventory";
import type { StackFile } from "../../io/stack-config";
import { selectedBindings, selectedFilter, stackSelection } from "../../io/stack-selection";
import { formatAudit, type AuditFormat } from "../../audit/report";
import { runAudit, type AuditRun } from "../../audit/run-audit";
import type { SourceImap } from "../../audit/source-mail";
import { phaseProgress, type ProgressStream } from "../../rehearsal/report/progress";
import { isLoopbackHost, type TransportSecurity } from "../../rehearsal/verification/transport-security";
import { checkOutFile, writeOutFile } from "../out-file";
import { adoptionConnection, adoptionFileText, auditAdoptions, formatAdoptions } from "../../audit/adoptions";
import type { Binding, Inventory } from "@oxmig/core/model";
import { doveadmFromConfig } from "./verify";
import { SOURCE_PASSWORD_VARIABLE } from "../specs/audit";
import { SOURCE_TLS_MODES, type SourceTls } from "@oxmig/core/migration-script";

export { SOURCE_PASSWORD_VARIABLE };

export interface AuditCommandOptions {
  readonly stack: string;
  readonly wave?: readonly string[];
  readonly format?: AuditFormat;
  readonly out?: string;
  readonly parallel?: number;
  /** Write the adoption file here (existing OX users matched by evidence, docs/adoption.md); reads OX through OXMIG_OX_*. */
  readonly adoptions?: string;
  /** Directory holding Pulumi.yaml and Pulumi.<stack>.yaml (default: the working directory). */
  readonly cwd?: string;
  /** Where the secrets are read (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stdout?: ProgressStream;
  readonly stderr?: ProgressStream;
}

/** How the audit's IMAP client protects each of the Job's sourceImapTls modes. */
const SECURITY_OF: Record<SourceTls, TransportSecurity> = { imaps: "tls", starttls: "starttls", no: "none" };

/** The source IMAP the migration Job reads, from the stack config; its password from the environment. */
export function sourceImapFromConfig(config: StackFile, env: Readonly<Record<string, string | undefined>>): SourceImap {
  const { values } = config;
  const host = values.sourceImapHost;
  const masterUser = values.sourceImapMasterUser;
  if (!host || !masterUser) {
    throw new UsageError(
      `${config.file} lacks ${[!host && "sourceImapHost", !masterUser && "sourceImapMasterUser"].filter(Boolean).join(" and ")}, needed to read the source mailboxes. Set with:\n  pulumi config set sourceImapMasterUser <the imapc_master_user of the migration's Secret> --stack ${config.stack}`,
    );
  }
  // The migration Job's own vocabulary (core/migration-script.ts): imaps (default) or starttls; "no"
  // only for a source on loopback (the rehearsal's), which the program itself refuses.
  const tlsValue = values.sourceImapTls || (isLoopbackHost(host) ? "no" : "imaps");
  const security = SOURCE_TLS_MODES.includes(tlsValue as SourceTls) ? SECURITY_OF[tlsValue as SourceTls] : undefined;
  if (!security) throw new InputError(config.file, "config sourceImapTls", `expected imaps or starttls, found "${values.sourceImapTls}"`);
  if (security === "none" && !isLoopbackHost(host))
    throw new InputError(
      config.file,
      "config sourceImapTls",
      `cleartext IMAP is allowed only on loopback; ${host} needs imaps or starttls (the master password would cross the network readable)`,
    );
  const port = Number(values.sourceImapPort || (security === "tls" ? 993 : 143));
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new InputError(config.file, "config sourceImapPort", `expected a port number from 1 to 65535, found "${values.sourceImapPort}"`);
  const masterPassword = env[SOURCE_PASSWORD_VARIABLE];
  if (!masterPassword) {
    throw new UsageError(
      `${SOURCE_PASSWORD_VARIABLE} is not set. It is the imapc master password of the migration's Secret; export it with:\n  export ${SOURCE_PASSWORD_VARIABLE}=<imapc_password>`,
    );
  }
  return { host, port, security, masterUser, masterPassword };
}

/** Reads the stack, refuses bad configuration before any connection, runs the audit. */
export async function auditStack(opts: AuditCommandOptions): Promise<{ run: AuditRun; title: string; bindings: Binding[]; inventory: Inventory }> {
  const env = opts.env ?? process.env;
  const selection = stackSelection(opts.stack, opts.cwd);
  const inventory = readInventory(selection.inventoryDir);
  // The whole stack once: its logins tell declared from undeclared targets; --wave narrows what is audited.
  const stackBindings = selectedBindings(selection, inventory);
  const { waves } = selectedFilter(selection, inventory, opts.wave);
  const bindings = waves ? stackBindings.filter((b) => waves.includes(b.wave)) : stackBindings;
  if (bindings.length === 0) throw new UsageError(`stack ${opts.stack} selects no mailboxes${opts.wave ? ` in wave(s) ${opts.wave.join(", ")}` : ""}`);
  const target = doveadmFromConfig(selection.config, env);
  const source = sourceImapFromConfig(selection.config, env);
  if (opts.parallel !== undefined && (!Number.isInteger(opts.parallel) || opts.parallel < 1 || opts.parallel > 64))
    throw new UsageError(`--parallel must be a whole number from 1 to 64, found ${opts.parallel}`);
  const run = await runAudit({
    bindings,
    declaredLogins: new Set(stackBindings.map((b) => b.dovecotLogin)),
    evidence: sourceEvidence(inventory.people, inventory.sources),
    target,
    source,
    parallelism: opts.parallel ?? 4,
    progress: phaseProgress(opts.stderr ?? process.stderr),
  });
  const scope = opts.wave ? `wave(s) ${opts.wave.join(", ")}` : "all waves";
  return {
    run,
    bindings,
    inventory,
    title: `Audit of stack ${opts.stack}, ${scope}: ${bindings.length} planned mailbox(es) and ${run.undeclared.length} undeclared login(s) on ${target.url}; sources on ${source.host}:${source.port}`,
  };
}

/** 0: no foreign mail and everything read; 1: foreign mail found, or the audit is incomplete. */
export async function auditCommand(opts: AuditCommandOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  // --adoptions: the file path and the OX connection are checked before any work.
  checkOutFile(opts.adoptions, "--adoptions");
  const oxConnection = opts.adoptions ? adoptionConnection(opts.env ?? process.env) : undefined;
  const { run, title, bindings, inventory } = await auditStack(opts);
  let text = formatAudit({ title, result: run }, opts.format ?? "text");
  let failed = foundForeign(run) || incomplete(run);
  if (opts.adoptions && oxConnection) {
    const adoption = await auditAdoptions({
      run,
      bindings,
      contexts: inventory.plan.contexts,
      evidence: sourceEvidence(inventory.people, inventory.sources),
      connection: oxConnection,
    });
    const file = adoptionFileText(opts.stack, adoption);
    if (file !== undefined) writeOutFile(opts.adoptions, file, undefined, "--adoptions");
    text = formatAdoptions(text, adoption, opts.format ?? "text", file !== undefined ? opts.adoptions : undefined);
    failed ||= file === undefined;
  }
  if (opts.out) {
    writeOutFile(opts.out, text);
    stdout.write(`${failed ? "FAILED" : "PASSED"}: audit written to ${opts.out}\n`);
  } else stdout.write(text);
  return failed ? 1 : 0;
}
