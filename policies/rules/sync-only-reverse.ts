// Mail moves one way only: source (imapc) → target. doveadm's direction flag is -R; without it
// `sync`/`backup` write the target's state into the source (Exchange), and a plain `sync` is two-way.
import type { StackValidationPolicy } from "@pulumi/policy";
import { isDsync, parseDoveadm } from "../../core/doveadm-argv";
import { configSchema } from "../config";
import { checkable, lifecycleStack, waveMessage } from "../support/lifecycle";
import { resourcesValidation } from "../support/rule";

const RULE = "sync-only-reverse";

export const syncOnlyReverse: StackValidationPolicy = {
  name: RULE,
  description: "Checks whether every doveadm sync is one-way with -1 -R (source to target) and no doveadm run writes towards the source.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: resourcesValidation((_ctx, resources, report) => {
    for (const view of lifecycleStack(resources).waves) {
      if (!checkable(RULE, view, report)) continue;
      for (const command of view.script!.commands) {
        const inv = parseDoveadm(command.argv);
        const who = `mailbox ${command.mailboxId}`;
        if (inv.problem) report(waveMessage(RULE, view.wave, `${who}: the script ${inv.problem}`), view.urn);
        else if (!isDsync(inv))
          report(waveMessage(RULE, view.wave, `${who}: the script runs doveadm ${inv.verb}; only backup -R and sync -1 -R may run`), view.urn);
        else if (!inv.flags.has("R"))
          report(waveMessage(RULE, view.wave, `${who}: doveadm ${inv.verb} without -R writes target → source (Exchange); every run must carry -R`), view.urn);
        else if (inv.verb === "sync" && !inv.flags.has("1"))
          report(waveMessage(RULE, view.wave, `${who}: doveadm sync without -1 is two-way and writes into the source; use sync -1 -R`), view.urn);
      }
    }
  }),
};
