// A canary delivered to a target before its final backup -R makes that backup fail or expunge the
// target's own mail: canaries belong to waves whose routing already points to the target.
import type { StackValidationPolicy } from "@pulumi/policy";
import { phaseRank } from "@oxmig/core/lifecycle";
import { configSchema } from "../config";
import { checkable, lifecycleStack, lockedPhase, waveMessage } from "../support/lifecycle";
import { resourcesValidation } from "../support/rule";

const RULE = "canaries-only-after-cut-over";

export const canariesOnlyAfterCutOver: StackValidationPolicy = {
  name: RULE,
  description: "Checks whether canary verification is configured only for waves at cut-over or later.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: resourcesValidation((ctx, resources, report) => {
    for (const view of lifecycleStack(resources).waves) {
      if (!checkable(RULE, view, report, false) || !view.lifecycle!.canaries) continue;
      if (phaseRank(view.phase!) >= phaseRank("cut-over")) continue;
      const locked = lockedPhase(ctx, view.wave);
      const note = locked ? ` (lock records ${locked})` : "";
      report(
        waveMessage(
          RULE,
          view.wave,
          `canaries are configured in phase ${view.phase}${note}: a canary delivered before the final backup -R destroys it; set canaries: false or move the wave to cut-over`,
        ),
        view.urn,
      );
    }
  }),
};
