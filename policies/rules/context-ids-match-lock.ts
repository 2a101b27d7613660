// An OX context id decides which organisation's context every account of the context lives in.
// The lock records each context's id as reviewed (plan.yaml `contexts:`); swapping two ids in the
// plan moves whole organisations into each other's contexts while every binding still looks right.
// `oxmig lock` refuses to change the id of a context whose mailboxes reached cut-over.
import type { StackValidationPolicy } from "@pulumi/policy";
import { TYPES } from "@oxmig/core/contract";
import { entryPhase } from "@oxmig/core/lock";
import { isMigrated } from "@oxmig/core/lock-history";
import { configSchema } from "../config";
import { lockedMailboxMessage, lockHistory } from "../support/lifecycle";
import { plainMessage } from "../support/report";
import { resourcesValidation } from "../support/rule";
import { at, isUnknown, rawProps } from "../support/unknowns";

const RULE = "context-ids-match-lock";

export const contextIdsMatchLock: StackValidationPolicy = {
  name: RULE,
  description: "Checks whether every OX context declares the context id the binding lock records for it.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: resourcesValidation((ctx, resources, report) => {
    const locked = ctx.lock?.lock.contexts;
    if (!locked) return; // bindings-match-lock demands a lock where one is required
    const history = [...lockHistory(ctx).values()];
    for (const r of resources) {
      if (r.type !== TYPES.oxContext) continue;
      const props = rawProps(r.props);
      const name = at(props, "name");
      if (typeof name !== "string" || isUnknown(name)) {
        report(plainMessage(`OX context ${r.name} (rule ${RULE}): its name is unknown or missing, so its id cannot be checked against the lock`), r.urn);
        continue;
      }
      const want = locked[name]?.id;
      if (want === undefined) continue; // not recorded yet (new context, or a lock from before context ids were recorded)
      const id = at(props, "contextId");
      if (id === want) continue;
      const declared = isUnknown(id) ? "unknown at preview" : id === undefined ? "not fixed (OX would assign one)" : JSON.stringify(id);
      const text = `OX context ${name} declares context id ${declared}, but the lock ${ctx.lock!.file} records ${want}: every account of the context would land in another context`;
      report(plainMessage(`${text} (rule ${RULE}); restore the id in plan.yaml contexts:, or relock while no mailbox of the context is cut over`), r.urn);
      for (const e of history) {
        if (e.context === name && isMigrated(entryPhase(e))) report(lockedMailboxMessage(RULE, e, `${text}; this mailbox is already cut over`), r.urn);
      }
    }
  }),
};
