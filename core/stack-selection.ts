// Which contexts and waves of the plan one stack covers. One reading for the Pulumi program, the
// gate's parent process and every command: if two places filtered separately, the gate could judge a
// different set of mailboxes than `pulumi up` applies.
import { InputError, UsageError } from "./errors";
import type { ContextSpec, Plan, Wave } from "./model";

/** A stack's `waves` and `contexts` settings; absent or empty means every one of the plan. */
export interface SelectionFilter {
  readonly waves?: readonly string[];
  readonly contexts?: readonly string[];
}

export interface PlanSelection {
  readonly contexts: ContextSpec[];
  readonly waves: Wave[];
}

/** An empty list means "everything", as Pulumi.yaml's defaults say; the filter then leaves the key out. */
export function selectionFilter(waves: readonly string[] | undefined, contexts: readonly string[] | undefined): SelectionFilter {
  return { ...(waves && waves.length > 0 ? { waves } : {}), ...(contexts && contexts.length > 0 ? { contexts } : {}) };
}

/** Whether a wave belongs to the selection (by its name and its context). */
export function waveSelected(wave: Pick<Wave, "name" | "context">, filter: SelectionFilter): boolean {
  return (!filter.waves || filter.waves.includes(wave.name)) && (!filter.contexts || filter.contexts.includes(wave.context));
}

/**
 * Contexts and waves the filter selects. A name the plan does not know is an input error at the
 * setting in `stackFile` (a misspelt shard must not become an empty stack). A wave naming an
 * undeclared context still gets that context, named after itself.
 */
export function selectFromPlan(plan: Plan, filter: SelectionFilter, stackFile: string): PlanSelection {
  const declared = new Map(plan.contexts.map((c) => [c.name, c]));
  for (const w of plan.waves) if (!declared.has(w.context)) declared.set(w.context, { name: w.context, organisation: w.context });
  const known = (kind: string, names: readonly string[] | undefined, all: Set<string>) => {
    for (const n of names ?? []) {
      if (!all.has(n)) throw new InputError(stackFile, `config ${kind}`, `"${n}" is not in the plan (known: ${[...all].sort().join(", ")})`);
    }
  };
  known("contexts", filter.contexts, new Set(declared.keys()));
  known("waves", filter.waves, new Set(plan.waves.map((w) => w.name)));
  const waves = plan.waves.filter((w) => waveSelected(w, filter));
  const contexts = [...declared.values()].filter(
    (c) => (!filter.contexts || filter.contexts.includes(c.name)) && (!filter.waves || waves.some((w) => w.context === c.name)),
  );
  return { contexts, waves };
}

/**
 * The stack's selection narrowed to the waves a command was given (`--wave`): a wave must be in the
 * plan and among the stack's own waves — a command never reaches past the stack it names.
 */
export function narrowToWaves(
  plan: Plan,
  filter: SelectionFilter,
  waves: readonly string[] | undefined,
  files: { readonly stack: string; readonly plan: string },
): SelectionFilter {
  const stackFile = files.stack;
  const own = selectFromPlan(plan, filter, stackFile).waves.map((w) => w.name);
  if (!waves || waves.length === 0) return filter;
  const known = plan.waves.map((w) => w.name);
  const unknown = waves.filter((w) => !known.includes(w));
  if (unknown.length) throw new UsageError(`unknown wave(s) ${unknown.join(", ")} in ${files.plan}; waves there: ${known.join(", ")}`);
  const outside = waves.filter((w) => !own.includes(w));
  if (outside.length) throw new UsageError(`wave(s) ${outside.join(", ")} not selected by ${stackFile}; its waves: ${own.join(", ") || "none"}`);
  return { ...filter, waves };
}
