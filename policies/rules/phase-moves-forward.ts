// A wave's phase only moves forward against the reviewed lock: moving back (e.g. cut-over → copying)
// would start backup -R on targets that already receive mail. A deliberate rollback says so in the
// plan (`phaseRollback: <reason>`) and goes through a reviewed lock change (`oxmig lock`).
import type { StackValidationPolicy } from "@pulumi/policy";
import { phaseRank } from "../../core/lifecycle";
import { configSchema } from "../config";
import { checkable, lifecycleStack, lockedPhase, waveMessage } from "../support/lifecycle";
import { resourcesValidation } from "../support/rule";

const RULE = "phase-moves-forward";

export const phaseMovesForward: StackValidationPolicy = {
  name: RULE,
  description: "Checks whether no wave's phase moves backwards against the phase the binding lock records.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: resourcesValidation((ctx, resources, report) => {
    if (!ctx.lock) return; // bindings-match-lock demands a lock where one is required
    for (const view of lifecycleStack(resources).waves) {
      if (!checkable(RULE, view, report, false)) continue;
      const locked = lockedPhase(ctx, view.wave);
      if (!locked || phaseRank(view.phase!) >= phaseRank(locked)) continue;
      const rollback = view.lifecycle!.rollback;
      const text = rollback
        ? `phaseRollback "${rollback}" moves the phase from ${locked} back to ${view.phase}; the lock ${ctx.lock.file} still records ${locked}: run \`npx oxmig lock\` and have the rollback reviewed`
        : `phase moves backwards from ${locked} (lock ${ctx.lock.file}) to ${view.phase}; moving back needs phaseRollback: "<reason>" on the wave in plan.yaml and a reviewed lock change`;
      report(waveMessage(RULE, view.wave, text), view.urn);
    }
  }),
};
