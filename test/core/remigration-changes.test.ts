// Re-migration in the lock and the review: started, re-worded and ended like any reviewed binding
// field, named people-first (whose source goes into whose mailbox, and why), with a warning when the
// exports do not tie that source to that person.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveBindings } from "@oxmig/core/bindings";
import { lockEntryFor } from "@oxmig/core/lock";
import { diffLock } from "@oxmig/core/lock-diff";
import type { Binding } from "@oxmig/core/model";
import { remigrationChanges, remigrationText } from "@oxmig/core/remigration-changes";
import { computeReview } from "@oxmig/core/review";
import { renderReviewMarkdown } from "@oxmig/core/review-markdown";
import { sourceEvidence } from "@oxmig/core/source-ownership";
import { readInventory } from "../../io/inventory";

const inventory = readInventory(path.resolve(__dirname, "../../inventory/staging"));
const bindings = resolveBindings(inventory);
const people = sourceEvidence(inventory.people, inventory.sources);
const REASON = "INC-2026-0042: re-paired after cleanup, audit 2026-12-02";

const of = (uid: string): Binding => bindings.find((b) => b.owner?.uid === uid)!;
const remigrated = (b: Binding, reason = REASON): Binding => ({ ...b, remigrate: reason });
const changesBetween = (locked: readonly Binding[], declared: readonly Binding[]) =>
  diffLock(locked.map(lockEntryFor), declared.map(lockEntryFor)).flatMap(remigrationChanges);

describe("remigrationChanges", () => {
  it("a re-migration started without showing up, or shown for a mailbox that only changed elsewhere", () => {
    const started = changesBetween([of("jschmidt")], [remigrated(of("jschmidt"))]);
    expect(started.map((c) => [c.change, c.entry.owner?.uid, c.reason])).toEqual([["started", "jschmidt", REASON]]);
    expect(changesBetween([of("jschmidt")], [{ ...of("jschmidt"), displayName: "Jan Schmidt-Lange" }])).toEqual([]);
  });

  it("a new reason shown as a new re-migration, or its old reason lost", () => {
    const changed = changesBetween([remigrated(of("jschmidt"), "INC-1")], [remigrated(of("jschmidt"), "INC-2")]);
    expect(changed.map((c) => [c.change, c.previousReason, c.reason])).toEqual([["reason", "INC-1", "INC-2"]]);
  });

  it("an ended re-migration not shown, or shown without its reason", () => {
    const ended = changesBetween([remigrated(of("jschmidt"))], [of("jschmidt")]);
    expect(ended.map((c) => [c.change, c.entry.owner?.uid, c.reason])).toEqual([["ended", "jschmidt", REASON]]);
  });

  it("another source with the same reason taken for the same import", () => {
    const jan = of("jschmidt");
    const other = of("mmueller");
    const moved = changesBetween([remigrated(jan)], [remigrated({ ...jan, source: other.source })]);
    expect(moved.map((c) => c.change).sort()).toEqual(["ended", "started"]);
  });
});

describe("remigrationText", () => {
  it("names whose source goes into whose mailbox and why, people first", () => {
    const [started] = changesBetween([of("jschmidt")], [remigrated(of("jschmidt"))]);
    const text = remigrationText(started!, people);
    expect(text).toMatch(/^re-migrates jan\.schmidt@\S+ \(Exchange mailbox of Jan Schmidt .*\) into the mailbox of Jan Schmidt .*: INC-2026-0042/);
    expect(text).not.toContain("⚠");
  });

  it("a source of someone else imported without a warning", () => {
    const jan = of("jschmidt");
    const [started] = changesBetween([jan], [remigrated({ ...jan, source: of("mmueller").source })]).filter((c) => c.change === "started");
    expect(remigrationText(started!, people)).toContain("⚠ the exports do not tie this source to this person");
  });
});

describe("review: re-migrations", () => {
  it("a started re-migration missing from its own section of the review", () => {
    const review = computeReview(
      bindings,
      bindings.map((b) => (b.owner?.uid === "jschmidt" ? remigrated(b) : b)),
      inventory,
    );
    expect(review.remigrations.map((c) => [c.change, c.entry.owner?.uid])).toEqual([["started", "jschmidt"]]);
    const md = renderReviewMarkdown("staging", review);
    expect(md).toContain("### ↻ Re-migrations (1)");
    expect(md).toMatch(/- re-migrates jan\.schmidt@fa-luebeck\.example .* into the mailbox of Jan Schmidt/);
  });

  it("a plan without re-migrations has no such section", () => {
    expect(renderReviewMarkdown("staging", computeReview(bindings, bindings, inventory))).not.toContain("Re-migrations");
  });
});
