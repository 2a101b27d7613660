// `oxmig rehearse --stack staging --incident-drill --wave <w>` in-process on real Dovecots: the runbook
// of docs/incident.md on one staging wave (6 of its 9 mailboxes crossed on purpose), passing only when
// every crossed mailbox is found and named, exactly the foreign mail removed, nothing lost.
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { rehearseCommand } from "../../cli/commands/rehearse";
import { resolveBindings } from "@oxmig/core/bindings";
import { readInventory } from "../../io/inventory";
import { stackSelection } from "../../io/stack-selection";
import { chooseSwaps, misbindingsOf } from "../../rehearsal/incident/injection";
import { settleDovecots } from "../rehearsal/dovecot-guard";
import { capture } from "../rehearsal/stack-fixture";
import { ROOT } from "./support/inventory-mistakes";

const WAVE = "w03-fa-kiel";
const tempDirsBefore = new Set(readdirSync(tmpdir()).filter((d) => d.startsWith("oxmig-rehearsal-")));

afterAll(() =>
  settleDovecots(() => {
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith("oxmig-rehearsal-") && !tempDirsBefore.has(d))).toEqual([]);
  }),
);

async function drill(extra: Record<string, unknown> = {}) {
  const [stdout, stderr] = [capture(), capture()];
  const code = await rehearseCommand({ stack: "staging", cwd: ROOT, wave: [WAVE], messages: 2, incidentDrill: true, stdout, stderr, ...extra });
  return { code, out: stdout.text(), err: stderr.text() };
}

describe("oxmig rehearse --incident-drill", () => {
  it("refuses --lifecycle, --inject and --format junit before starting anything (exit 2)", async () => {
    await expect(drill({ lifecycle: true })).rejects.toThrow(/--incident-drill .* neither --lifecycle, --inject nor --format junit/);
    await expect(drill({ inject: ["swapped-pair:hsahin,bmeier"] })).rejects.toThrow(/--incident-drill/);
    await expect(drill({ format: "junit" })).rejects.toThrow(/--incident-drill/);
  });

  it("passes on a staging wave: every crossed mailbox found and named, foreign mail removed, nothing lost", { timeout: 120_000 }, async () => {
    const { code, out, err } = await drill();
    const lines = out.trimEnd().split("\n");
    expect(lines.at(-1)).toBe("incident drill: 6 affected found of 6, 0 lost, 0 foreign left");
    expect(lines.at(-2)).toMatch(/^PASSED: 9 mailboxes in 1 wave\(s\), 18 of 18 foreign message\(s\) removed, 18 re-migrated \(\+6 later\), 0 duplicated, /);
    expect(code).toBe(0);
    // People first: each crossed mailbox by its person, with whose mail it got and what became of it.
    const selection = stackSelection("staging", ROOT);
    const wave = resolveBindings(readInventory(selection.inventoryDir), { waves: [WAVE] });
    for (const m of misbindingsOf(chooseSwaps(wave))) {
      const [owner, other] = [m.target.owner!, m.sourceOf.owner!];
      const block = out.slice(out.indexOf(`  mailbox of ${owner.displayName} <${m.target.primaryAddress.display}> (${owner.uid}, `));
      expect(block).toMatch(
        new RegExp(
          `^ {2}mailbox of [^\\n]+\\n {4}crossed in: the mail of ${other.displayName} <[^>]+> \\(${other.uid}, [^\\n]+\\n {4}audit: +found, 3 message\\(s\\) of that person\\n {4}contain: +own login refused, master access kept\\n {4}clean: +3 of 3 foreign message\\(s\\) removed\\n {4}at the end: 4 own message\\(s\\), \\d delivered after cut-over, 0 lost, 0 duplicated, 0 foreign`,
        ),
      );
    }
    expect(out).not.toMatch(/FAIL /);
    // Progress per step on stderr, the report on stdout; no password anywhere.
    for (const step of ["audit", "contain", "clean", "re-migrate", "verify", "un-contain"])
      expect(err).toMatch(new RegExp(`^${WAVE}: ${step}: \\d+ done in`, "m"));
    expect(out + err).not.toMatch(/\{PLAIN\}|Seeded message/);
  });
});
