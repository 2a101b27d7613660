// CI's own supply chain: every action a workflow uses is pinned by commit SHA (a tag can be moved
// to other code), and the test job runs exactly .ci/run.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";

const DIR = join(__dirname, "../../.github/workflows");
const workflows = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));

interface Workflow {
  jobs: Record<string, { steps?: { uses?: string; run?: string }[] }>;
}

/** Local actions need no pin; others must name a full commit. */
function isPinned(action: string): boolean {
  return action.startsWith("./") || /@[0-9a-f]{40}$/.test(action);
}

function uses(file: string): string[] {
  const doc = load(readFileSync(join(DIR, file), "utf8")) as Workflow;
  return Object.values(doc.jobs).flatMap((job) => (job.steps ?? []).flatMap((s) => (s.uses ? [s.uses] : [])));
}

describe("GitHub workflows", () => {
  it.each(workflows)("%s pins every action by commit SHA", (file) => {
    const unpinned = uses(file).filter((u) => !isPinned(u));
    expect(unpinned).toEqual([]);
  });

  it("counts a tag or a short SHA as unpinned", () => {
    expect(["actions/checkout@v4", "actions/checkout@11d5960", "actions/checkout@11d5960a326750d5838078e36cf38b85af677262"].map(isPinned)).toEqual([
      false,
      false,
      true,
    ]);
  });

  it("the test job runs .ci/run", () => {
    const doc = load(readFileSync(join(DIR, "binding-gate.yml"), "utf8")) as Workflow;
    expect(doc.jobs.test!.steps!.map((s) => s.run)).toContain("bash .ci/run");
  });
});
