// `oxmig review`: the reviewer's comment. The Markdown is built from bindings (no git, no gate);
// one test covers the git edge with a throw-away repository.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { reviewCommand, reviewMarkdown } from "../../cli/commands/review";
import { main } from "../../cli/main";
import { resolveBindings } from "@oxmig/core/bindings";
import type { GateResult } from "../../engine/types";
import { readInventory } from "../../io/inventory";
import { escapeMarkdown } from "@oxmig/core/markdown-text";
import { asRenderedText, HOSTILE_NAME, renderMarkdown } from "../support/markdown-render";
import { copyStaging, PlanText, ROOT, STAGING } from "./support/inventory-mistakes";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** A staging copy with jschmidt and jweiss swapped and jnowak's mailbox dropped. */
function changedInventory(dir: string): void {
  const plan = new PlanText(path.join(dir, "plan.yaml"));
  plan.swapOwners(plan.findOwnerRow("jschmidt"), plan.findOwnerRow("jweiss"));
  const nowak = plan.findOwnerRow("jnowak");
  plan.lines.splice(nowak - 1, 2);
  plan.save();
}

const GATE: GateResult = {
  stack: "staging",
  mailboxes: 305,
  violations: [
    {
      policy: "source-belongs-to-owner",
      level: "mandatory",
      mailbox: "jan.schmidt@fa-luebeck.example",
      identity: "jschmidt",
      message: "source Exchange mailbox juergen.weiss@fa-luebeck.example belongs to jweiss",
      file: "plan.yaml",
      line: 20,
      subject: {
        source: "juergen.weiss@fa-luebeck.example",
        kind: "personal",
        mailboxId: "9474e278-8ea9-4136-a361-dda60bec50e8",
        owner: { uid: "jschmidt", displayName: "Jan Schmidt", organisation: "fa-luebeck" },
        displayName: "Jan Schmidt",
      },
    },
    { policy: "source-match-strength", level: "advisory", mailbox: "x@im.example", identity: "x", message: "weak source match" },
  ],
};

describe("review comment: phase changes per mailbox", () => {
  it("lists each mailbox whose phase changes, flagging a move back and a skipped step, whatever its wave is called", () => {
    const inventory = readInventory(STAGING);
    const bindings = resolveBindings(inventory);
    const moved = bindings.map((b) => (b.owner?.uid === "jschmidt" ? { ...b, wave: "w09-renamed" } : b));
    const phases = {
      base: { "w01-fa-luebeck": "cut-over", "w01-lkn": "copying" } as const,
      head: { "w01-fa-luebeck": "cut-over", "w09-renamed": "copying", "w01-lkn": "done" } as const,
    };
    const md = reviewMarkdown({ stack: "staging", baseLabel: "HEAD", base: bindings, head: moved, inventory, phases });
    expect(md).toContain("### Phase changes (per mailbox)");
    expect(md).toContain(
      "- jan.schmidt@fa-luebeck.example → Jan Schmidt (jschmidt, fa-luebeck): cut-over (wave w01-fa-luebeck) → copying (wave w09-renamed) ⚠ needs `phaseRollback`",
    );
    expect(md).toMatch(/@lkn\.example → [^:]+ \(\w+, lkn\): copying \(wave w01-lkn\) → done \(wave w01-lkn\) ⚠ needs `phaseSkip`: a step is skipped/);
    expect(md).not.toContain("maria.mueller@fa-luebeck.example → Maria Müller (mmueller, fa-luebeck): cut-over");
  });
});

describe("review comment", () => {
  const base = resolveBindings(readInventory(STAGING));
  const dir = copyStaging("oxmig-review-");
  dirs.push(dir);
  changedInventory(dir);
  const inventory = readInventory(dir);
  const head = resolveBindings(inventory);
  const md = reviewMarkdown({ stack: "staging", baseLabel: "origin/main (abc1234)", base, head, inventory, gate: GATE });

  it("counts the re-bound and removed mailboxes and the orphaned key", () => {
    expect(md).toContain("Compared with origin/main (abc1234).");
    expect(md).toContain("| re-bound | added | removed | changed | keys created | keys rotated | keys orphaned |");
    expect(md).toContain("| 2 | 0 | 1 | 0 | 0 | 0 | 1 |");
  });

  it("lists each re-binding unfolded, from whom to whom, with the export lines that say whose the source is", () => {
    const section = md.slice(md.indexOf("### ⚠ Re-bindings (2)"), md.indexOf("### ⚠ Keys"));
    expect(section).not.toContain("<details>");
    const entry = section.split("\n- **").find((block) => block.startsWith("jan.schmidt@fa-luebeck.example**"))!;
    expect(entry).toMatch(/^jan\.schmidt@fa-luebeck\.example\*\*: Jan Schmidt \(jschmidt, fa-luebeck\) → \*\*Jürgen Weiß \(jweiss, fa-luebeck\)\*\*\n/);
    expect(entry).toContain("  - ⚠ **The exports say this source belongs to Jan Schmidt (jschmidt, fa-luebeck), not to the new owner.**");
    expect(entry).toMatch(/exchange\.csv line \d+: jan\.schmidt@fa-luebeck\.example \(UserMailbox, "Jan Schmidt"\) belongs to AD account [0-9a-f-]{36}\n/);
    expect(entry).toMatch(/that AD account's objectGUID is \S+directory\.ldif line \d+: jschmidt = Jan Schmidt \(fa-luebeck, uid=jschmidt,/);
    expect(entry).toMatch(/before: \S+directory\.ldif line \d+: jschmidt = Jan Schmidt/);
    expect(entry).toMatch(/after: \S+directory\.ldif line \d+: jweiss = Jürgen Weiß/);
    expect(section).toContain("- **juergen.weiss@fa-luebeck.example**: Jürgen Weiß (jweiss, fa-luebeck) → **Jan Schmidt (jschmidt, fa-luebeck)**");
    expect(md.indexOf("### ⚠ Re-bindings")).toBeLessThan(md.indexOf("### Policy gate"));
  });

  it("names the orphaned key and says it must be kept", () => {
    const nowak = base.find((b) => b.owner?.uid === "jnowak")!;
    expect(md).toContain(`- mailbox left the plan, key must be kept: ${nowak.keyName}`);
  });

  it("carries the gate's verdict and its mandatory findings only, headed by the plan line's source and its owner", () => {
    expect(md).toContain("**Policy gate:** REJECTED stack staging: 1 mandatory, 1 advisory violation(s)");
    expect(md).toContain("#### juergen.weiss@fa-luebeck.example → Jan Schmidt (jschmidt, fa-luebeck)\n\nplan.yaml:20 · mailbox id ");
    expect(md).toContain("| mandatory | `source-belongs-to-owner` | source Exchange mailbox juergen.weiss@fa-luebeck.example belongs to jweiss |");
    expect(md).not.toContain("weak source match");
  });

  it("never contains key material, only key names", () => {
    expect(md).not.toMatch(/password|result|userdb_mail_crypt/i);
  });

  it("says so when the stack did not exist at the base", () => {
    const fresh = reviewMarkdown({ stack: "staging", baseLabel: "HEAD", base: undefined, head, inventory });
    expect(fresh).toContain("does not exist at HEAD: every mailbox is new");
    expect(fresh).toContain(`| 0 | ${head.length} | 0 | 0 | ${head.length} | 0 | 0 |`);
  });
});

describe("review comment: the homonym trap and one person named owner twice", () => {
  const base = resolveBindings(readInventory(STAGING));
  const reviewOf = (edit: (plan: PlanText) => void) => {
    const dir = copyStaging("oxmig-review-homonym-");
    dirs.push(dir);
    const plan = new PlanText(path.join(dir, "plan.yaml"));
    edit(plan);
    plan.save();
    const inventory = readInventory(dir);
    return reviewMarkdown({ stack: "staging", baseLabel: "HEAD", base, head: resolveBindings(inventory), inventory });
  };

  it("the two Maria Müllers swapped: two re-bindings, each naming both people with uid and organisation", () => {
    const md = reviewOf((plan) => plan.swapOwners(plan.findOwnerRow("mmueller"), plan.findOwnerRow("mmueller2")));
    expect(md).toContain("| 2 | 0 | 0 | 0 | 0 | 0 | 0 |");
    expect(md).toContain(
      "- **maria.mueller@fa-luebeck.example**: Maria Müller (mmueller, fa-luebeck) → **Maria Müller (mmueller2, im)**\n  - ⚠ **The exports say this source belongs to Maria Müller (mmueller, fa-luebeck), not to the new owner.**",
    );
    expect(md).toContain("- **maria.mueller@im.example**: Maria Müller (mmueller2, im) → **Maria Müller (mmueller, fa-luebeck)**");
    expect(md).not.toContain("<details>");
  });

  it("the other Maria Müller named owner of a second source: the re-binding from whom to whom, and a warning naming both sources", () => {
    const md = reviewOf((plan) => plan.setOwner(plan.findOwnerRow("mmueller"), "mmueller2"));
    expect(md).toContain("| 1 | 0 | 0 | 0 | 0 | 0 | 1 |");
    expect(md).toContain("⚠ **Maria Müller (mmueller2, im) is named owner of 2 mailboxes (maria.mueller@fa-luebeck.example and maria.mueller@im.example).**");
    expect(md).toContain("- **maria.mueller@fa-luebeck.example**: Maria Müller (mmueller, fa-luebeck) → **Maria Müller (mmueller2, im)**");
    expect(md).not.toMatch(/Removed mailboxes/);
  });
});

describe("review comment: names from the inputs cannot inject Markdown", () => {
  it("renders a hostile display name and organisation as their text, in the re-binding and in the gate's findings", () => {
    const inventory = readInventory(STAGING);
    const bindings = resolveBindings(inventory);
    const hostile = {
      ...inventory,
      people: inventory.people.map((p) => (p.uid === "jschmidt" ? { ...p, displayName: HOSTILE_NAME, ou: "fa | </details>" } : p)),
    };
    const [jan, juergen] = ["jschmidt", "jweiss"].map((uid) => bindings.find((b) => b.owner?.uid === uid)!);
    const swapped = bindings.map((b) => (b === jan ? { ...jan, source: juergen!.source } : b === juergen ? { ...juergen, source: jan!.source } : b));
    const subject = {
      source: "juergen.weiss@fa-luebeck.example",
      kind: "personal",
      mailboxId: jan!.mailboxId,
      owner: { uid: "jschmidt", displayName: HOSTILE_NAME, organisation: "fa" },
      displayName: HOSTILE_NAME,
    };
    const gate: GateResult = {
      stack: "staging",
      mailboxes: 306,
      violations: [
        { policy: "source-belongs-to-owner", level: "mandatory", message: `owner ${HOSTILE_NAME} is not the source's`, file: "plan.yaml", line: 20, subject },
      ],
    };
    const md = reviewMarkdown({ stack: "staging", baseLabel: "HEAD", base: bindings, head: swapped, inventory: hostile, gate });
    const html = renderMarkdown(md);
    expect(md).toContain(escapeMarkdown(HOSTILE_NAME));
    expect(html).toContain(`${asRenderedText(HOSTILE_NAME)} (jschmidt, fa | &lt;/details&gt;)`);
    expect(html).toContain(`<td>owner ${asRenderedText(HOSTILE_NAME)} is not the source's</td>`);
    // Bare addresses become mailto links, as on GitHub; nothing else links.
    expect(html).not.toMatch(/<a href="(?!mailto:)|<(img|h1|pre|em)\b/);
    expect(html.match(/<h[1-6]>/g)?.length).toBe(md.split("\n").filter((l) => /^#{1,6} /.test(l)).length);
  });
});

describe("oxmig review against a git base", () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=Review Test", "-c", "user.email=review@test.example", ...args], { cwd, stdio: "pipe" });

  function repo(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oxmig-review-git-"));
    dirs.push(dir);
    for (const f of ["Pulumi.yaml", "Pulumi.staging.yaml"]) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    fs.mkdirSync(path.join(dir, "inventory", "staging"), { recursive: true });
    for (const f of ["directory.ldif", "exchange.csv", "plan.yaml"]) fs.copyFileSync(path.join(STAGING, f), path.join(dir, "inventory", "staging", f));
    git(dir, "init", "-q");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "inventory");
    return dir;
  }

  it("compares the working tree with HEAD when there is no origin/main", async () => {
    const dir = repo();
    changedInventory(path.join(dir, "inventory", "staging"));
    const out = path.join(dir, "review.md");
    expect(await reviewCommand({ stack: "staging", root: dir, gate: false, out })).toBe(0);
    const md = fs.readFileSync(out, "utf8");
    expect(md).toMatch(/Compared with HEAD \([0-9a-f]{7,}\)/);
    expect(md).toContain("| 2 | 0 | 1 | 0 | 0 | 0 | 1 |");
    expect(md).not.toContain("Policy gate");
  });

  it("exits 2 when --base is not a revision", async () => {
    const dir = repo();
    let stderr = "";
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(await main(["node", "oxmig", "review", "--stack", "staging", "--base", "no-such-branch", "--no-gate"])).toBe(2);
    } finally {
      process.chdir(cwd);
    }
    expect(stderr).toContain("--base no-such-branch: not a git revision here");
  });
});
