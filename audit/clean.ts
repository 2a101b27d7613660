// Removes exactly the foreign messages an audit found, one message at a time, each named by folder
// and GUID. With apply, every removal is written to an append-only log (mailbox, folder, GUID,
// Message-ID; never content) before it is tried and after it is done, so an interrupted run leaves a
// trace, and a rerun audits again and removes only what is still there.
import { appendFileSync } from "node:fs";
import type { AuditResult, HeldMessage } from "@oxmig/core/audit";
import { foreignMessages } from "@oxmig/core/audit";
import type { DoveadmHttpEndpoint } from "../rehearsal/dovecot/dovecot-instance";
import type { PhaseProgress } from "../rehearsal/stack-run";
import { expungeMessage } from "./target-mail";

export interface CleanPlanEntry {
  readonly login: string;
  readonly reader: string;
  readonly owner: string;
  readonly message: HeldMessage;
}

export interface CleanOutcome {
  readonly entry: CleanPlanEntry;
  readonly removed: boolean;
  readonly why?: string;
}

/** What clean removes: each foreign message of a declared target, with whose mail it is. */
export function cleanPlan(result: AuditResult): CleanPlanEntry[] {
  return result.verdicts.flatMap((v) => {
    if (v.status !== "foreign") return [];
    const owners = new Map(v.foreign.flatMap((f) => f.messages.map((m) => [m, f.owner] as const)));
    return foreignMessages(v).map((message) => ({ login: v.login, reader: v.reader, owner: owners.get(message)!, message }));
  });
}

function logLine(entry: CleanPlanEntry, event: "removing" | "removed" | "failed", why?: string): string {
  const { login, message } = entry;
  return `${JSON.stringify({ at: new Date().toISOString(), event, mailbox: login, folder: message.folder, guid: message.guid, messageId: message.messageId ?? null, ...(why ? { why } : {}) })}\n`;
}

/**
 * Removes the planned messages, logging each; stops at the first failure of the target itself (an
 * unreachable server), so a rerun continues from a fresh audit. A message already gone counts as removed.
 */
export async function applyClean(
  plan: readonly CleanPlanEntry[],
  endpoint: DoveadmHttpEndpoint,
  logFile: string,
  progress?: PhaseProgress,
): Promise<CleanOutcome[]> {
  const outcomes: CleanOutcome[] = [];
  progress?.start("clean", plan.length);
  try {
    for (const entry of plan) {
      appendFileSync(logFile, logLine(entry, "removing"));
      let result: Awaited<ReturnType<typeof expungeMessage>>;
      try {
        result = await expungeMessage(endpoint, entry.login, entry.message);
      } catch (err) {
        appendFileSync(logFile, logLine(entry, "failed", (err as Error).message));
        outcomes.push({ entry, removed: false, why: (err as Error).message });
        break;
      }
      appendFileSync(logFile, logLine(entry, result.ok ? "removed" : "failed", result.ok ? undefined : result.why));
      outcomes.push(result.ok ? { entry, removed: true } : { entry, removed: false, why: result.why });
      progress?.tick();
    }
  } finally {
    progress?.end("clean");
  }
  return outcomes;
}
