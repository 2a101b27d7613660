// Which pods Kubernetes starts for a wave's Job, read from its spec the way the Job controller runs it:
// with completionMode Indexed, one pod per index 0 … completions-1, each with JOB_COMPLETION_INDEX (set
// by the controller from the pod's completion-index annotation, unless the container declares that
// variable itself: then the controller leaves the declared value, read in Kubernetes'
// pkg/controller/job/indexed_job_utils.go, addCompletionIndexEnvVariable). The script runs pair line i
// for index i (core/migration-script.ts), so every pair runs exactly when the indexes are exactly the
// table's: anything that skips, adds or shares indexes is a problem here.

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined);
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;

/** The environment variable the Job controller sets to a pod's index. */
export const COMPLETION_INDEX_VARIABLE = "JOB_COMPLETION_INDEX";

/** Shows the pairs a range of indexes stands for: "index 3 (mailbox …)". */
export type IndexNamer = (index: number) => string;

const range = (from: number, to: number, name: IndexNamer): string => {
  const shown = Array.from({ length: Math.min(to - from, 3) }, (_, k) => name(from + k));
  return `${shown.join(", ")}${to - from > 3 ? ` and ${to - from - 3} more` : ""}`;
};

/**
 * Why this Job spec does not run each of the table's `entries` pairs exactly once, index i for pair i
 * (empty: it does). `name` turns an index into the pair it stands for, for the messages.
 */
export function indexedJobProblems(spec: unknown, entries: number, name: IndexNamer = (i) => `index ${i}`): string[] {
  const s = obj(spec) ?? {};
  const problems: string[] = [];
  if (s.completionMode !== "Indexed") {
    problems.push(
      `spec.completionMode is ${JSON.stringify(s.completionMode ?? "NonIndexed (the default)")}, not Indexed: its pods get no ${COMPLETION_INDEX_VARIABLE}, so no pod can tell which pair is its own`,
    );
  }
  if (!isCount(s.completions)) problems.push(`spec.completions is ${JSON.stringify(s.completions ?? null)}, not the number of pairs (${entries})`);
  else if (s.completions < entries)
    problems.push(`spec.completions is ${s.completions}, but the pairing table has ${entries} pairs: ${range(s.completions, entries, name)} would never run`);
  else if (s.completions > entries)
    problems.push(
      `spec.completions is ${s.completions}, but the pairing table has ${entries} pairs: ${s.completions - entries === 1 ? `index ${entries} has` : `indexes ${entries} to ${s.completions - 1} have`} no pair (the script refuses it, the Job can never complete)`,
    );
  if (s.parallelism !== undefined && (!isCount(s.parallelism) || s.parallelism < 1)) {
    problems.push(`spec.parallelism is ${JSON.stringify(s.parallelism)}: no pod would run, so every pair is skipped`);
  }
  if (s.successPolicy !== undefined) problems.push("spec.successPolicy is declared: it can end the Job as succeeded before every index ran (pairs skipped)");
  // A Job that selects pods by hand can count another Job's finished pods as its own indexes.
  if (s.manualSelector !== undefined || s.selector !== undefined)
    problems.push("spec.manualSelector/selector choose pods by hand: pods of another Job could count as this Job's finished indexes");
  if (s.podReplacementPolicy !== "Failed") {
    problems.push(
      `spec.podReplacementPolicy is ${JSON.stringify(s.podReplacementPolicy ?? "TerminatingOrFailed (the default)")}, not Failed: a replacement pod could start while the old one of the same index still runs, so two pods would write one mailbox and its state`,
    );
  }
  return problems;
}

/** Why a container's declared environment could change its index (the controller keeps a declared value). */
export function indexVariableProblem(container: string, env: unknown): string | undefined {
  if (!Array.isArray(env)) return undefined;
  const declared = env.some((e) => obj(e)?.name === COMPLETION_INDEX_VARIABLE);
  return declared
    ? `container ${container} declares ${COMPLETION_INDEX_VARIABLE} itself; the Job controller then keeps that value, so the pod would not run its own index's pair`
    : undefined;
}

/**
 * Index sets as the Job status writes them (`completedIndexes`, `failedIndexes`): ascending numbers and
 * ranges, comma-separated ("1,3-5,7"), each below `completions`. Undefined when the text is not of that form.
 */
export function parseIndexIntervals(text: string | undefined, completions: number): number[] | undefined {
  if (text === undefined || text === "") return [];
  const out: number[] = [];
  for (const part of text.split(",")) {
    const m = /^(\d{1,9})(?:-(\d{1,9}))?$/.exec(part);
    if (!m) return undefined;
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (to < from || to >= completions || (out.length > 0 && from <= out[out.length - 1]!)) return undefined;
    for (let i = from; i <= to; i++) out.push(i);
  }
  return out;
}
