// `oxmig audit`: what `--help` shows, with the variable it reads; the audit (cli/commands/audit.ts,
// IMAP and HTTP clients) loads when it runs.
import type { Command } from "commander";
import type { AuditCommandOptions } from "../commands/audit";
import { formatOption } from "../options";
import { implementation } from "../implementation";

export const SOURCE_PASSWORD_VARIABLE = "OXMIG_SOURCE_IMAP_PASSWORD";

export function registerAudit(program: Command): void {
  program
    .command("audit")
    .description(
      `read-only: which deployed target mailboxes hold someone else's mail, by the exports (verifyDoveadmUrl, $OXMIG_VERIFY_DOVEADM_KEY; sourceImapHost/Port/Tls/MasterUser, $${SOURCE_PASSWORD_VARIABLE})`,
    )
    .requiredOption("--stack <stack>", "stack name (reads Pulumi.<stack>.yaml and its inventory)")
    .option("--wave <name...>", "only these waves (default: the stack's selection)")
    .addOption(formatOption(["text", "json", "markdown"]))
    .option("--out <file>", "write the report to this file instead of stdout")
    .option("--parallel <n>", "parallel IMAP sessions and doveadm requests (default 4)", (v) => Number(v))
    .option(
      "--adoptions <file>",
      "also write the adoption file: existing OX users each mailbox takes over, by evidence, never by name (OX SOAP via $OXMIG_OX_ENDPOINT and the context admin; docs/adoption.md)",
    )
    .action(async (opts: AuditCommandOptions) => {
      const { auditCommand } = await implementation(import("../commands/audit.js"));
      process.exitCode = await auditCommand(opts);
    });
}
