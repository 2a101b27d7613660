// Containment in the lock: recorded with its reason per mailbox, diffed like any binding field, and
// named people-first (whose login is blocked or opened again, and why).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveBindings } from "@oxmig/core/bindings";
import { containmentChanges, onlyContainment } from "@oxmig/core/containment-changes";
import { buildLock, lockEntryFor, parseLock, renderLock, type LockEntry } from "@oxmig/core/lock";
import { diffLock } from "@oxmig/core/lock-diff";
import { describeChange } from "@oxmig/core/lock-people";
import type { Binding } from "@oxmig/core/model";
import { sourceEvidence } from "@oxmig/core/source-ownership";
import { readInventory } from "../../io/inventory";

const inventory = readInventory(path.resolve(__dirname, "../../inventory/staging"));
const bindings = resolveBindings(inventory);
const people = sourceEvidence(inventory.people, inventory.sources);
const REASON = "INC-2026-0042: holds foreign mail, audit 2026-12-02";

const of = (uid: string): Binding => bindings.find((b) => b.owner?.uid === uid)!;
const contained = (b: Binding, reason = REASON): Binding => ({ ...b, contain: reason });
const entries = (list: readonly Binding[]): LockEntry[] => list.map(lockEntryFor);

describe("the lock records containment", () => {
  it("carries the plan's reason into the mailbox's entry, and nothing for a free mailbox", () => {
    expect(lockEntryFor(contained(of("jschmidt"))).contain).toBe(REASON);
    expect(lockEntryFor(of("jschmidt"))).not.toHaveProperty("contain");
  });

  it("writes it next to the mailbox's other reviewed reasons and reads it back unchanged", () => {
    const lock = buildLock("staging", [contained(of("jschmidt")), of("mmueller")], { "w01-fa-luebeck": "copying" });
    const text = renderLock(lock);
    expect(text).toContain(`contain: '${REASON}'`);
    expect(renderLock(parseLock(text, "bindings.lock.yaml"))).toBe(text);
    expect(parseLock(text, "bindings.lock.yaml").mailboxes.find((e) => e.owner?.uid === "jschmidt")?.contain).toBe(REASON);
  });

  it("refuses an empty reason in a hand-edited lock", () => {
    const text = renderLock(buildLock("staging", [of("jschmidt")], { "w01-fa-luebeck": "copying" })).replace(
      "    kind: personal\n",
      "    kind: personal\n    contain: ''\n",
    );
    expect(() => parseLock(text, "bindings.lock.yaml")).toThrow(/contain/);
  });
});

describe("a containment change, people-first", () => {
  const jan = of("jschmidt");

  it("containing a mailbox is a change of its entry, named as whose login is blocked and why", () => {
    const [change] = diffLock(entries([jan]), entries([contained(jan)]));
    expect(change?.fields.map((f) => f.field)).toEqual(["contain"]);
    expect(onlyContainment(change!)).toBe(true);
    const { headline, details } = describeChange(change!, people);
    expect(headline).toMatch(
      new RegExp(
        `^contained jan\\.schmidt@fa-luebeck\\.example — Jan Schmidt <jan\\.schmidt@fa-luebeck\\.example> \\(jschmidt, fa-luebeck, id ${jan.mailboxId}\\): ${REASON}$`,
      ),
    );
    expect(details).toEqual([]);
  });

  it("releasing it names the reason that ends", () => {
    const [change] = diffLock(entries([contained(jan)]), entries([jan]));
    expect(describeChange(change!, people).headline).toMatch(
      /^released jan\.schmidt@fa-luebeck\.example — Jan Schmidt <[^>]+> \(jschmidt, fa-luebeck, id [^)]+\); was contained: INC-2026-0042/,
    );
  });

  it("a new reason is its own change, from one reason to the other", () => {
    const [change] = diffLock(entries([contained(jan, "INC-1")]), entries([contained(jan, "INC-2")]));
    expect(describeChange(change!, people).headline).toMatch(/^containment reason of jan\.schmidt@fa-luebeck\.example — Jan Schmidt .*: INC-1 → INC-2$/);
  });

  it("with other fields changed, the containment is a detail under the usual headline, not a raw field", () => {
    const moved = { ...contained(jan), wave: "w09" };
    const [change] = diffLock(entries([jan]), entries([moved]));
    expect(onlyContainment(change!)).toBe(false);
    const { headline, details } = describeChange(change!, people);
    expect(headline).toMatch(/^changed jan\.schmidt@fa-luebeck\.example → Jan Schmidt/);
    expect(details).toEqual([
      expect.stringMatching(/^contained jan\.schmidt@fa-luebeck\.example — Jan Schmidt .*: INC-2026-0042/),
      'wave: "w01-fa-luebeck" → "w09"',
    ]);
  });

  it("a contained mailbox added to or dropped from the plan is contained or released with it", () => {
    const [added] = diffLock([], entries([contained(jan)]));
    expect(containmentChanges(added!).map((c) => c.change)).toEqual(["contained"]);
    expect(describeChange(added!, people).details).toEqual([expect.stringMatching(/^contained jan\.schmidt@/)]);
    const [removed] = diffLock(entries([contained(jan)]), []);
    expect(containmentChanges(removed!)).toMatchObject([{ change: "released", leftPlan: true, reason: REASON }]);
  });

  it("a contained source re-bound to another person releases the old mailbox and contains the new one", () => {
    const juergen = of("jweiss");
    const [change] = diffLock(entries([contained(jan)]), entries([contained({ ...juergen, source: jan.source })]));
    expect(change?.change).toBe("rebound");
    expect(containmentChanges(change!).map((c) => [c.change, c.entry.login])).toEqual([
      ["released", "jschmidt"],
      ["contained", "jweiss"],
    ]);
  });

  it("no containment, no containment change", () => {
    const [change] = diffLock(entries([jan]), entries([{ ...jan, wave: "w09" }]));
    expect(containmentChanges(change!)).toEqual([]);
  });
});
