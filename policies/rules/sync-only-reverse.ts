// Mail moves one way only: source (imapc) → target. doveadm's direction flag is -R; without it
// `sync`/`backup` write the target's state into the source (Exchange), and a plain `sync` is two-way.
import type { StackValidationPolicy } from "@pulumi/policy";
import { isDsync, parseDoveadm } from "@oxmig/core/doveadm-argv";
import { configSchema, type PolicyContext } from "../config";
import { checkable, lifecycleStack, waveMessage } from "../support/lifecycle";
import { resourcesValidation } from "../support/rule";

const RULE = "sync-only-reverse";

/**
 * An import (pair kind remigrate) is allowed only for a mailbox whose reviewed lock entry carries
 * `remigrate:`: only then did a reviewer approve re-importing its source into it (docs/incident.md, 4–5).
 */
function remigrationProblem(ctx: PolicyContext, mailboxId: string): string | undefined {
  const why = "; only a mailbox whose plan line carries remigrate: (recorded by oxmig lock and reviewed) is re-migrated by doveadm import";
  if (!ctx.lock) return `the script re-migrates it with doveadm import, but no binding lock is configured${why}`;
  const entry = ctx.lock.lock.mailboxes.find((e) => e.mailbox === mailboxId);
  if (!entry) return `the script re-migrates it with doveadm import, but the binding lock has no mailbox with this id${why}`;
  if (entry.remigrate === undefined) return `the script re-migrates it with doveadm import, but its lock entry (${entry.login}) records no remigrate${why}`;
  return undefined;
}

export const syncOnlyReverse: StackValidationPolicy = {
  name: RULE,
  description:
    "Checks whether every doveadm sync is one-way with -1 -R (source to target), no doveadm run writes towards the source, and a doveadm import (re-migration) runs only for a mailbox whose lock entry records remigrate.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: resourcesValidation((ctx, resources, report) => {
    for (const view of lifecycleStack(resources).waves) {
      if (!checkable(RULE, view, report)) continue;
      for (const command of view.script!.commands) {
        const inv = parseDoveadm(command.argv);
        const who = `mailbox ${command.mailboxId}`;
        // The script reader accepted only the exact rendered import argv for this kind (core/lifecycle.ts readImportArgv).
        if (command.remigrate) {
          const problem = remigrationProblem(ctx, command.mailboxId);
          if (problem) report(waveMessage(RULE, view.wave, `${who}: ${problem}`), view.urn);
        } else if (inv.problem) report(waveMessage(RULE, view.wave, `${who}: the script ${inv.problem}`), view.urn);
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
