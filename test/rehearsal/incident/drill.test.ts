// The incident drill must notice when a step of the runbook does not do its job. Test hooks of the
// module API (no CLI flag reaches them) bend one step on real Dovecots: the cleanup leaves a foreign
// message behind, or the audit misses a crossed mailbox. Each drill must fail and name the people.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TargetVerdict } from "@oxmig/core/audit";
import { resolveBindings } from "@oxmig/core/bindings";
import type { Binding } from "@oxmig/core/model";
import { sourceEvidence } from "@oxmig/core/source-ownership";
import { readInventory } from "../../../io/inventory";
import { drillPassed, runIncidentDrill, type DrillHooks } from "../../../rehearsal/incident/drill";
import { chooseSwaps, misbindingsOf } from "../../../rehearsal/incident/injection";
import { countsLine, formatDrill } from "../../../rehearsal/incident/report";
import { mkdtempOwned } from "../../../rehearsal/dovecot/run-as";
import { settleDovecots } from "../dovecot-guard";
import { makeStackFixture, WAVE, type StackFixture } from "../stack-fixture";

let fixture: StackFixture;
const roots: string[] = [];

beforeAll(() => {
  fixture = makeStackFixture();
});

afterAll(() => settleDovecots(undefined, () => [...roots, ...(fixture ? [fixture.cwd] : [])]));

async function drill(hooks: DrillHooks) {
  const root = mkdtempOwned("oxmig-drill-test-");
  roots.push(root);
  const inventory = readInventory(join(fixture.cwd, "inv"));
  const bindings = resolveBindings(inventory, { waves: [WAVE], mailRoot: join(root, "target", "vmail") });
  const result = await runIncidentDrill({ bindings, root, evidence: sourceEvidence(inventory.people, inventory.sources), messagesPerMailbox: 2, hooks });
  return { result, text: formatDrill("drill", result, "text"), crossed: misbindingsOf(chooseSwaps(bindings)) };
}

const person = (b: Binding) => `${b.owner!.displayName} <${b.primaryAddress.display}> (${b.owner!.uid}, `;

describe("an incident drill whose runbook fails a step", () => {
  it("fails when the cleanup leaves one foreign message behind, naming it and the mailbox's person", { timeout: 90_000 }, async () => {
    const { result, text, crossed } = await drill({ cleanPlan: (plan) => plan.slice(1) });
    expect(drillPassed(result)).toBe(false);
    expect(crossed).toHaveLength(2);
    expect(countsLine(result)).toBe("incident drill: 2 affected found of 2, 0 lost, 1 foreign left");
    const problems = result.waves[0]!.problems.join("\n");
    const victim = crossed.find((m) => problems.includes(`NOT REMOVED: <${m.sourceOf.source.exchangeGuid}.`))!;
    expect(victim).toBeDefined();
    expect(problems).toContain(`is still in the mailbox of ${person(victim.target)}`);
    expect(problems).toContain(`FOREIGN LEFT: the mailbox of ${person(victim.target)}`);
    expect(text.trimEnd().split("\n").at(-1)).toBe("incident drill: 2 affected found of 2, 0 lost, 1 foreign left");
    expect(text).toMatch(/^FAILED: \d+ problem\(s\)/m);
  });

  it(
    "fails when the audit misses a crossed mailbox: named as missed, its foreign mail left and its own mail not re-migrated",
    { timeout: 90_000 },
    async () => {
      let missed = "";
      const { result, crossed } = await drill({
        afterAudit: (run) => {
          const first = run.verdicts.find((v) => v.status === "foreign")!;
          missed = first.login;
          const blind = (v: TargetVerdict): TargetVerdict => (v === first && v.status === "foreign" ? { ...v, status: "clean", foreign: [] } : v);
          return { ...run, verdicts: run.verdicts.map(blind) };
        },
      });
      expect(drillPassed(result)).toBe(false);
      const m = crossed.find((x) => x.target.dovecotLogin === missed)!;
      const problems = result.waves[0]!.problems.join("\n");
      expect(problems).toContain(`MISSED: the audit did not name the mailbox of ${person(m.target)}`);
      expect(problems).toContain(`which was given the mail of ${person(m.sourceOf)}`);
      const { found, affected, foreignLeft, lost } = result.totals;
      expect([found, affected]).toEqual([1, 2]);
      expect(foreignLeft).toBe(3);
      expect(lost).toBeGreaterThan(0);
      expect(countsLine(result)).toBe(`incident drill: 1 affected found of 2, ${lost} lost, 3 foreign left`);
    },
  );
});
