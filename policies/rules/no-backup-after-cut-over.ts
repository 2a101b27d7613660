// `doveadm backup` makes the target an exact copy of the source: once mail is routed to the target
// it expunges everything delivered there (seen: a whole INBOX emptied). So at cut-over or later —
// declared, or recorded in the binding lock — a wave must not run it in any form.
import type { StackValidationPolicy } from "@pulumi/policy";
import { parseDoveadm } from "../../core/doveadm-argv";
import { phaseRank } from "../../core/lifecycle";
import type { WavePhase } from "../../core/model";
import { configSchema } from "../config";
import { checkable, lifecycleStack, lockedPhase, waveMessage } from "../support/lifecycle";
import { resourcesValidation } from "../support/rule";

const RULE = "no-backup-after-cut-over";
const CUT_OVER = phaseRank("cut-over");

export const noBackupAfterCutOver: StackValidationPolicy = {
  name: RULE,
  description: "Checks whether no wave at or after cut-over (declared or locked) runs doveadm backup, which would expunge mail delivered to the target.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: resourcesValidation((ctx, resources, report) => {
    for (const view of lifecycleStack(resources).waves) {
      if (!checkable(RULE, view, report)) continue;
      const locked = lockedPhase(ctx, view.wave);
      const phases: WavePhase[] = [view.lifecycle!.phase, view.phase!, ...(locked ? [locked] : [])];
      const reached = phases.reduce((a, b) => (phaseRank(b) > phaseRank(a) ? b : a));
      if (phaseRank(reached) < CUT_OVER) continue;
      const why = locked && phaseRank(locked) >= CUT_OVER && locked === reached ? `the lock ${ctx.lock!.file} records phase ${locked}` : `the wave is in phase ${reached}`;
      if (view.lifecycle!.mode === "backup-reverse") report(waveMessage(RULE, view.wave, `lifecycle.json declares mode backup-reverse, but ${why}`), view.urn);
      for (const command of view.script!.commands) {
        if (parseDoveadm(command.argv).verb !== "backup") continue;
        report(waveMessage(RULE, view.wave, `migrate.sh runs doveadm backup for mailbox ${command.mailboxId}, but ${why}: backup would expunge mail delivered to the target; only sync -1 -R -s <state> may run`), view.urn);
      }
    }
  }),
};
