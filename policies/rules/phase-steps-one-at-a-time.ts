// Each mailbox goes copying → cut-over → done, one step at a time, against the phase the binding
// lock records for that mailbox (its id, not its wave). A mailbox the lock never recorded copying
// must not be in a cut-over or done wave: it has no copy and no sync state, and its routing would
// point at an empty target. copying → done skips the post-cut-over sync, so mail that still reached
// Exchange is never copied. A deliberate skip says why (`phaseSkip: <reason>`) and is relocked.
import type { StackValidationPolicy } from "@pulumi/policy";
import { entryPhase } from "@oxmig/core/lock";
import { describeStep, stepNeeds } from "@oxmig/core/lock-history";
import { configSchema } from "../config";
import { checkable, lifecycleStack, lockedMailboxMessage, lockHistory, waveMessage } from "../support/lifecycle";
import { mailboxMessage } from "../support/report";
import { resourcesValidation } from "../support/rule";
import { stackView } from "../support/stack";

const RULE = "phase-steps-one-at-a-time";

export const phaseStepsOneAtATime: StackValidationPolicy = {
  name: RULE,
  description:
    "Checks whether every mailbox's declared phase is at most one step past the phase the binding lock records for that mailbox, so no mailbox reaches cut-over or done without a recorded copy.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: resourcesValidation((ctx, resources, report) => {
    if (!ctx.lock) return; // bindings-match-lock demands a lock where one is required
    const history = lockHistory(ctx);
    const users = new Map(stackView(resources).users.map((u) => [u.mailboxId, u]));
    for (const view of lifecycleStack(resources).waves) {
      if (!checkable(RULE, view, report, false)) continue;
      if (view.pairingsProblem && view.phase !== "copying") {
        report(
          waveMessage(RULE, view.wave, `cannot tell which mailboxes the wave moves to ${view.phase}, so the plan is rejected: ${view.pairingsProblem}`),
          view.urn,
        );
        continue;
      }
      for (const id of view.mailboxIds) {
        const entry = history.get(id);
        const from = entry ? entryPhase(entry) : undefined;
        if (stepNeeds(from, view.phase!) !== "phaseSkip") continue;
        const text = `in wave ${view.wave}: the mailbox ${describeStep(from, view.phase!)} (lock ${ctx.lock.file}); phases move one step at a time: copy first, or declare phaseSkip: "<reason>" on the wave and have the relocked change reviewed`;
        const user = users.get(id);
        report(
          entry
            ? lockedMailboxMessage(RULE, entry, text)
            : mailboxMessage(user?.primaryEmail ?? id, user?.oxName ?? user?.imapLogin, `(rule ${RULE}) mailbox ${id} ${text}`),
          view.urn,
        );
      }
    }
  }),
};
