// `doveadm -u` reads its value as a user mask: with "*" or "?" in a login one pair line runs for every
// matching user and copies one source into all of them. So every place a target login is declared
// or used — OX name and imapLogin, the userdb index and passwd-file, the pairing table and the `-u`
// of each migrate.sh run — must hold a literal login (core/login.ts), read as its consumer reads it.
import type { ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { isDsync, parseDoveadm } from "@oxmig/core/doveadm-argv";
import { LOGIN_GRAMMAR, loginProblem } from "@oxmig/core/login";
import { readPasswdFile } from "@oxmig/core/passwd-file";
import { configSchema } from "../config";
import { unknownAmong } from "../support/identity";
import { waveMessage, lifecycleStack } from "../support/lifecycle";
import { mailboxMessage, plainMessage, unknownText, userMessage } from "../support/report";
import type { OxUserView } from "../support/resources";
import { resourcesValidation } from "../support/rule";
import { stackView } from "../support/stack";

const RULE = "logins-are-literal";

const problemText = (field: string, login: string, problem: string) => `${field} "${login}" is not a literal login: ${problem} (logins: ${LOGIN_GRAMMAR})`;

function checkUser(user: OxUserView, report: ReportViolation): void {
  const unknown = unknownAmong(user.unknown, ["name", "imapLogin"]);
  if (unknown.length) return report(userMessage(user, unknownText("OX user", unknown)), user.urn);
  for (const [field, login] of [
    ["OX name", user.oxName],
    ["OX imapLogin", user.imapLogin],
  ] as const) {
    if (login === undefined) report(userMessage(user, `${field} is missing, so the login cannot be checked`), user.urn);
    else if (loginProblem(login)) report(userMessage(user, problemText(field, login, loginProblem(login)!)), user.urn);
  }
}

export const loginsAreLiteral: StackValidationPolicy = {
  name: RULE,
  description:
    "Checks whether every target login (OX name and imapLogin, userdb, pairing table, doveadm -u of migrate.sh) is a literal login that doveadm cannot read as a user mask.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: resourcesValidation((_ctx, resources, report) => {
    const stack = stackView(resources);
    for (const user of stack.users) checkUser(user, report);
    // Name the mailbox by its primary address where the OX user declares one.
    const labelOf = new Map(stack.users.flatMap((u) => (u.mailboxId && u.primaryEmail ? [[u.mailboxId, u.primaryEmail] as const] : [])));
    const about = (mailboxId: string, login: string, text: string) => mailboxMessage(labelOf.get(mailboxId) ?? mailboxId, login, text);
    for (const db of stack.userdbs) {
      if (db.unknown.length || db.indexProblem) {
        report(plainMessage(`userdb ${db.resourceName}: logins cannot be checked: ${db.indexProblem ?? unknownText("", db.unknown).trim()}`), db.urn);
      }
      for (const e of db.index ?? []) {
        const problem = loginProblem(e.login);
        if (problem) report(about(e.mailboxId, e.login, problemText(`userdb ${db.resourceName} index login`, e.login, problem)), db.urn);
      }
      // The passwd-file is what Dovecot reads; its first field is the user name. Never print the line: it holds a key.
      for (const line of db.passwd !== undefined ? readPasswdFile(db.passwd).values() : []) {
        const problem = loginProblem(line.login);
        if (problem) report(plainMessage(problemText(`userdb ${db.resourceName} passwd-file line ${line.line} user`, line.login, problem)), db.urn);
      }
    }
    for (const table of stack.pairings) {
      for (const p of table.pairings ?? []) {
        const problem = loginProblem(p.targetLogin);
        if (problem) report(about(p.mailboxId, p.targetLogin, problemText(`pairings-${table.wave} targetLogin`, p.targetLogin, problem)), table.urn);
      }
    }
    for (const wave of lifecycleStack(resources).waves) {
      if (!wave.script) {
        report(waveMessage(RULE, wave.wave, "migrate.sh cannot be read (missing, unknown or no phase), so its doveadm -u logins cannot be checked"), wave.urn);
        continue;
      }
      // A line that is not a rendered pair line could run doveadm with any -u: fail closed.
      for (const p of wave.script.problems)
        report(waveMessage(RULE, wave.wave, `migrate.sh cannot be read as rendered, so its doveadm -u logins cannot be checked: ${p}`), wave.urn);
      for (const command of wave.script.commands) {
        const inv = parseDoveadm(command.argv);
        if (!isDsync(inv)) continue;
        const login = inv.options.get("u");
        if (inv.flags.has("A") || inv.options.has("F") || login === undefined) {
          report(
            about(
              command.mailboxId,
              login ?? "",
              `migrate.sh runs doveadm ${inv.verb} for mailbox ${command.mailboxId} without exactly one literal -u login (-A or -F select many users)`,
            ),
            wave.urn,
          );
          continue;
        }
        const problem = loginProblem(login);
        if (problem) report(about(command.mailboxId, login, problemText(`migrate.sh doveadm ${inv.verb} -u`, login, problem)), wave.urn);
      }
    }
  }),
};
