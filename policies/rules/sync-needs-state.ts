// `doveadm sync` without a state copies every message already on the target a second time. So a
// sync must take the state saved for its pair (-s STATE_PLACEHOLDER, needs-state) from a file on the
// wave's state volume: a PersistentVolumeClaim in this stack, mounted writable by the Job.
import type { ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { parseDoveadm } from "@oxmig/core/doveadm-argv";
import { STATE_PLACEHOLDER, type DoveadmCommand } from "@oxmig/core/lifecycle";
import { configSchema } from "../config";
import { checkable, lifecycleStack, waveMessage, type LifecycleStack, type WaveLifecycleView } from "../support/lifecycle";
import { resourcesValidation } from "../support/rule";

const RULE = "sync-needs-state";

const dirOf = (file: string): string => file.slice(0, file.lastIndexOf("/"));

function checkCommand(stack: LifecycleStack, view: WaveLifecycleView, command: DoveadmCommand, report: ReportViolation): void {
  const fail = (text: string) => report(waveMessage(RULE, view.wave, `mailbox ${command.mailboxId}: ${text}`), view.urn);
  const state = parseDoveadm(command.argv).options.get("s");
  if (state !== STATE_PLACEHOLDER) {
    return fail(
      state === undefined
        ? "doveadm sync runs without -s <state>; it would duplicate mail"
        : `doveadm sync -s ${JSON.stringify(state)} is not the pair's saved state (${STATE_PLACEHOLDER}); it would duplicate mail`,
    );
  }
  if (!command.needsState) fail("the sync is marked fresh; a pair without a saved state must fail, not sync");
  const claim = view.lifecycle!.stateVolume;
  if (claim === undefined) return fail("lifecycle.json names no stateVolume to keep the sync state in");
  if (!stack.claims.has(claim)) fail(`the state volume ${claim} is not a PersistentVolumeClaim of this stack`);
  if (view.jobs.length === 0) fail(`no Job of the wave mounts the state volume ${claim}`);
  for (const job of view.jobs) {
    const mount = job.claimMounts.find((m) => m.claimName === claim && m.mountPath.replace(/\/+$/, "") === dirOf(command.stateFile));
    if (!mount) fail(`Job ${job.name} does not mount ${claim} at ${dirOf(command.stateFile)}, where the state file ${command.stateFile} lives`);
    else if (mount.readOnly) fail(`Job ${job.name} mounts ${claim} read-only; the new state could not be saved`);
  }
}

export const syncNeedsState: StackValidationPolicy = {
  name: RULE,
  description: "Checks whether every doveadm sync takes its pair's saved state from a file on a mounted, writable PersistentVolumeClaim of the stack.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: resourcesValidation((_ctx, resources, report) => {
    const stack = lifecycleStack(resources);
    for (const view of stack.waves) {
      if (!checkable(RULE, view, report)) continue;
      for (const command of view.script!.commands) if (parseDoveadm(command.argv).verb === "sync") checkCommand(stack, view, command, report);
    }
  }),
};
