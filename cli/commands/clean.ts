// `oxmig clean`: removes exactly the messages `oxmig audit` finds foreign, in declared targets only.
// Dry run by default. With --apply, each removal goes to an append-only log (mailbox, folder, GUID,
// Message-ID; never content) before and after it is tried. Rerunnable: every run audits afresh.
import { resolve } from "node:path";
import { foundForeign, incomplete } from "@oxmig/core/audit";
import { UsageError } from "@oxmig/core/errors";
import { applyClean, cleanPlan, type CleanPlanEntry } from "../../audit/clean";
import { summary } from "../../audit/report";
import { stackSelection } from "../../io/stack-selection";
import { phaseProgress } from "../../rehearsal/report/progress";
import { checkOutFile } from "../out-file";
import { auditStack, type AuditCommandOptions } from "./audit";
import { doveadmFromConfig } from "./verify";

export interface CleanCommandOptions extends Omit<AuditCommandOptions, "format" | "out"> {
  readonly apply?: boolean;
  /** Append-only log of removals (default: oxmig-clean-<stack>.jsonl in the working directory). */
  readonly log?: string;
}

function planLines(plan: readonly CleanPlanEntry[]): string[] {
  const byTarget = new Map<string, CleanPlanEntry[]>();
  for (const e of plan) byTarget.set(e.reader, [...(byTarget.get(e.reader) ?? []), e]);
  return [...byTarget].flatMap(([reader, entries]) => {
    const owners = new Map<string, number>();
    for (const e of entries) owners.set(e.owner, (owners.get(e.owner) ?? 0) + 1);
    return [
      `${reader}: ${entries.length} foreign message(s)`,
      ...[...owners].map(([owner, n]) => `  ${n} of ${owner}`),
      ...entries.map((e) => `  - ${e.message.folder} ${e.message.messageId ?? "(no Message-ID)"} guid ${e.message.guid}`),
    ];
  });
}

/** 0: nothing foreign left (or, dry run, nothing to remove); 1: foreign mail remains or the audit is incomplete. */
export async function cleanCommand(opts: CleanCommandOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  if (!opts.wave?.length) throw new UsageError("clean needs --wave: it removes mail, one wave at a time");
  const log = resolve(opts.cwd ?? process.cwd(), opts.log ?? `oxmig-clean-${opts.stack}.jsonl`);
  if (opts.apply) checkOutFile(log);
  const { run, title } = await auditStack(opts);
  if (incomplete(run)) {
    stdout.write(`${title}\n\n${summary(run)}\nNothing removed: clean acts only on a complete audit. Run \`oxmig audit\` to see what could not be read.\n`);
    return 1;
  }
  const plan = cleanPlan(run);
  const mixed = run.verdicts.filter((v) => v.status === "mixed").map((v) => v.reader);
  const notes = mixed.length ? [`Left alone (undeclared, several people's mail; declare the owner in the plan first): ${mixed.join("; ")}`] : [];
  if (!opts.apply) {
    stdout.write(
      [
        title,
        "",
        plan.length ? `Would remove ${plan.length} message(s):` : "Nothing foreign to remove.",
        ...planLines(plan),
        ...notes,
        "",
        "Dry run: nothing removed. Add --apply to remove them.",
        "",
      ].join("\n"),
    );
    return foundForeign(run) ? 1 : 0;
  }
  const endpoint = doveadmFromConfig(stackSelection(opts.stack, opts.cwd).config, opts.env ?? process.env);
  const outcomes = await applyClean(plan, endpoint, log, phaseProgress(opts.stderr ?? process.stderr));
  const removed = outcomes.filter((o) => o.removed).length;
  const failure = outcomes.find((o) => !o.removed);
  const lines = [
    title,
    "",
    ...planLines(plan),
    ...notes,
    "",
    `removed ${removed} of ${plan.length} foreign message(s); log: ${log}`,
    ...(failure ? [`stopped at ${failure.entry.reader}: ${failure.why}. Rerun the same command: it audits again and removes only what is left.`] : []),
    "",
  ];
  stdout.write(lines.join("\n"));
  return removed === plan.length && mixed.length === 0 ? 0 : 1;
}
