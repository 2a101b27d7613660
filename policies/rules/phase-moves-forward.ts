// A phase only moves forward against the reviewed lock: moving back (e.g. cut-over → copying)
// would start backup -R on targets that already receive mail. Judged per wave name and per mailbox
// id, so moving a mailbox into another wave or renaming its wave does not reset what it reached.
// A deliberate rollback says so in the plan (`phaseRollback: <reason>`) and goes through a reviewed
// lock change (`oxmig lock`), which then records the earlier phase.
import type { StackValidationPolicy } from "@pulumi/policy";
import { phaseRank } from "@oxmig/core/lifecycle";
import { entryPhase } from "@oxmig/core/lock";
import { configSchema } from "../config";
import { checkable, lifecycleStack, lockedMailboxMessage, lockedPhase, lockHistory, waveMessage } from "../support/lifecycle";
import { resourcesValidation } from "../support/rule";

const RULE = "phase-moves-forward";

export const phaseMovesForward: StackValidationPolicy = {
  name: RULE,
  description: "Checks whether no wave's phase, and no mailbox's phase, moves backwards against the phase the binding lock records for that wave or mailbox.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: resourcesValidation((ctx, resources, report) => {
    if (!ctx.lock) return; // bindings-match-lock demands a lock where one is required
    const history = lockHistory(ctx);
    for (const view of lifecycleStack(resources).waves) {
      if (!checkable(RULE, view, report, false)) continue;
      const rollback = view.lifecycle!.rollback;
      const how = (locked: string) =>
        rollback
          ? `phaseRollback "${rollback}" moves the phase from ${locked} back to ${view.phase}; the lock ${ctx.lock!.file} still records ${locked}: run \`npx oxmig lock\` and have the rollback reviewed`
          : `phase moves backwards from ${locked} (lock ${ctx.lock!.file}) to ${view.phase}; moving back needs phaseRollback: "<reason>" on the wave in plan.yaml and a reviewed lock change`;
      const locked = lockedPhase(ctx, view.wave);
      if (locked && phaseRank(view.phase!) < phaseRank(locked)) report(waveMessage(RULE, view.wave, how(locked)), view.urn);
      for (const id of view.mailboxIds) {
        const entry = history.get(id);
        if (!entry || phaseRank(view.phase!) >= phaseRank(entryPhase(entry))) continue;
        report(lockedMailboxMessage(RULE, entry, `in wave ${view.wave} (locked in wave ${entry.wave}): ${how(entryPhase(entry))}`), view.urn);
      }
    }
  }),
};
