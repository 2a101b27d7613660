// `doveadm backup` makes the target an exact copy of the source: once mail is routed to the target
// it expunges everything delivered there (seen: a whole INBOX emptied). So a mailbox at cut-over or
// later — declared by its wave, or recorded for the mailbox itself in the binding lock's history —
// must not get it in any form. The lock follows the mailbox id and the target login, not the wave
// name: a mailbox moved into a copying wave, or a renamed wave, keeps its recorded phase.
import type { StackValidationPolicy } from "@pulumi/policy";
import { parseDoveadm } from "@oxmig/core/doveadm-argv";
import { phaseRank } from "@oxmig/core/lifecycle";
import { entryPhase, type LockEntry } from "@oxmig/core/lock";
import { isMigrated } from "@oxmig/core/lock-history";
import type { WavePhase } from "@oxmig/core/model";
import { configSchema } from "../config";
import { checkable, lifecycleStack, lockedByLogin, lockedMailboxMessage, lockedPhase, lockHistory, waveMessage } from "../support/lifecycle";
import { resourcesValidation } from "../support/rule";

const RULE = "no-backup-after-cut-over";
const CUT_OVER = phaseRank("cut-over");

export const noBackupAfterCutOver: StackValidationPolicy = {
  name: RULE,
  description:
    "Checks whether no mailbox at or after cut-over (declared by its wave, or recorded for the mailbox in the binding lock) gets doveadm backup, which would expunge mail delivered to the target.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: resourcesValidation((ctx, resources, report) => {
    const history = lockHistory(ctx);
    for (const view of lifecycleStack(resources).waves) {
      if (!checkable(RULE, view, report)) continue;
      const locked = lockedPhase(ctx, view.wave);
      const phases: WavePhase[] = [view.lifecycle!.phase, view.phase!, ...(locked ? [locked] : [])];
      const reached = phases.reduce((a, b) => (phaseRank(b) > phaseRank(a) ? b : a));
      const why =
        locked && phaseRank(locked) >= CUT_OVER && locked === reached
          ? `the lock ${ctx.lock!.file} records phase ${locked}`
          : `the wave is in phase ${reached}`;
      if (phaseRank(reached) >= CUT_OVER && view.lifecycle!.mode === "backup-reverse")
        report(waveMessage(RULE, view.wave, `lifecycle.json declares mode backup-reverse, but ${why}`), view.urn);
      for (const command of view.script!.commands) {
        const argv = parseDoveadm(command.argv);
        if (argv.verb !== "backup") continue;
        // The pair line's mailbox id and the login doveadm will write to: either one on record past cut-over.
        const migrated = [history.get(command.mailboxId), lockedByLogin(ctx, view.context, argv.options.get("u"))].filter(
          (e): e is LockEntry => e !== undefined && isMigrated(entryPhase(e)),
        );
        for (const entry of new Map(migrated.map((e) => [e.mailbox, e])).values()) {
          report(
            lockedMailboxMessage(
              RULE,
              entry,
              `migrate.sh of wave ${view.wave} runs doveadm backup for it, but the lock ${ctx.lock!.file} records phase ${entryPhase(entry)} for mailbox ${entry.mailbox} (locked in wave ${entry.wave}): backup would expunge mail delivered to the target; only sync -1 -R -s <state> may run, or a reviewed phaseRollback`,
            ),
            view.urn,
          );
        }
        if (migrated.length === 0 && phaseRank(reached) >= CUT_OVER) {
          report(
            waveMessage(
              RULE,
              view.wave,
              `migrate.sh runs doveadm backup for mailbox ${command.mailboxId}, but ${why}: backup would expunge mail delivered to the target; only sync -1 -R -s <state> may run`,
            ),
            view.urn,
          );
        }
      }
    }
  }),
};
