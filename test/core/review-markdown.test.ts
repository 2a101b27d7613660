// The review lists containment on its own, right after the re-bindings: whose login is blocked or
// opened again, and why, each from the inputs and escaped.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveBindings } from "@oxmig/core/bindings";
import { escapeMarkdown } from "@oxmig/core/markdown-text";
import type { Binding } from "@oxmig/core/model";
import { computeReview } from "@oxmig/core/review";
import { renderReviewMarkdown } from "@oxmig/core/review-markdown";
import { readInventory } from "../../io/inventory";
import { asRenderedText, HOSTILE_NAME, renderMarkdown } from "../support/markdown-render";

const inventory = readInventory(path.resolve(__dirname, "../../inventory/staging"));
const bindings = resolveBindings(inventory);
const REASON = "INC-2026-0042: holds foreign mail, audit 2026-12-02";
const withContain = (list: readonly Binding[], reasons: Record<string, string>) =>
  list.map((b) => (b.owner && reasons[b.owner.uid] ? { ...b, contain: reasons[b.owner.uid] } : b));

describe("review: containment", () => {
  it("lists each contained and released login with person, context, login and reason, counted in the table", () => {
    const base = withContain(bindings, { jweiss: "INC-2026-0040: cleaned" });
    const head = withContain(bindings, { jschmidt: REASON });
    const review = computeReview(base, head, inventory);
    expect(review.containment.map((c) => [c.change, c.entry.login])).toEqual([
      ["contained", "jschmidt"],
      ["released", "jweiss"],
    ]);
    expect(review.changed).toEqual([]); // containment is not listed twice
    const md = renderReviewMarkdown("staging", review);
    expect(md).toContain("| 0 | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 1 |");
    expect(md).toContain("### ⛔ Containment (2): logins blocked or opened again — check each one");
    expect(md).toContain(
      `- ⛔ **contained** jan.schmidt@fa-luebeck.example → Jan Schmidt (jschmidt, fa-luebeck) (context fa-luebeck, login jschmidt): ${REASON}`,
    );
    expect(md).toMatch(
      /- \*\*released\*\* juergen\.weiss@fa-luebeck\.example → .* \(jweiss, fa-luebeck\) \(context fa-luebeck, login jweiss\); was contained: INC-2026-0040: cleaned/,
    );
    expect(md).not.toContain("No binding changes.");
  });

  it("a plan without containment changes has no containment section", () => {
    const md = renderReviewMarkdown("staging", computeReview(bindings, bindings, inventory));
    expect(md).not.toContain("Containment");
    expect(md).toContain("No binding changes.");
  });

  it("a hostile reason renders as its text, injecting nothing", () => {
    const md = renderReviewMarkdown("staging", computeReview(bindings, withContain(bindings, { jschmidt: HOSTILE_NAME }), inventory));
    expect(md).toContain(escapeMarkdown(HOSTILE_NAME));
    const html = renderMarkdown(md);
    expect(html).toContain(asRenderedText(HOSTILE_NAME));
    expect(html).not.toMatch(/<a href="(?!mailto:)|<(img|h1|pre|em)\b/);
  });
});
