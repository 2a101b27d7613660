// `oxmig verify`: what `--help` shows, with the config keys and variables it names; the checks
// (cli/commands/verify.ts) load when it runs.
import { Option, type Command } from "commander";
import type { VerifyCommandOptions } from "../commands/verify";
import { formatOption } from "../options";
import { implementation } from "../implementation";

export const PASSWORD_VARIABLE = "OXMIG_VERIFY_MASTER_PASSWORD";
export const DOVEADM_KEY_VARIABLE = "OXMIG_VERIFY_DOVEADM_KEY";
/** Stack config keys of the deployed endpoints the canaries go through. */
export const ENDPOINT_KEYS = ["verifyLmtpHost", "verifyLmtpPort", "verifyImapHost", "verifyImapPort", "verifyMasterUser"] as const;
/** Optional: tls | starttls | none; unset means none on loopback and starttls elsewhere. */
export const SECURITY_KEYS = { imap: "verifyImapTls", lmtp: "verifyLmtpTls" } as const;

/** auto: canaries where the wave's lifecycle allows them, userdb lookups elsewhere. */
export const VERIFY_CHECKS = ["auto", "userdb", "canaries"] as const;
export type VerifyCheck = (typeof VERIFY_CHECKS)[number];

export function registerVerify(program: Command): void {
  program
    .command("verify")
    .description(
      `verify the deployed Dovecot by wave phase: userdb lookups only before cut-over (verifyDoveadmUrl, $${DOVEADM_KEY_VARIABLE}), canaries from cut-over on (${ENDPOINT_KEYS.join(", ")}, optional ${Object.values(SECURITY_KEYS).join(", ")}; $${PASSWORD_VARIABLE}); cleartext only to loopback`,
    )
    .requiredOption("--stack <stack>", "stack name (reads Pulumi.<stack>.yaml and its inventory)")
    .option("--wave <name...>", "only these waves (default: the stack's selection)")
    .addOption(formatOption(["text", "json", "junit"]))
    .option("--out <file>", "write the report to this file instead of stdout")
    .addOption(
      new Option("--check <check>", "auto: canaries where the wave's phase allows them, userdb lookups elsewhere; canaries: refuse waves still copying")
        .choices([...VERIFY_CHECKS])
        .default("auto"),
    )
    .action(async (opts: VerifyCommandOptions) => {
      const { verifyCommand } = await implementation(import("../commands/verify.js"));
      process.exitCode = await verifyCommand(opts);
    });
}
