// `oxmig review`: the reviewer's comment. The Markdown is built from bindings (no git, no gate);
// one test covers the git edge with a throw-away repository.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { reviewCommand, reviewMarkdown } from "../../cli/commands/review";
import { main } from "../../cli/main";
import { resolveBindings } from "../../core/bindings";
import type { GateResult } from "../../gate/types";
import { readInventory } from "../../io/inventory";
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
    { policy: "source-belongs-to-owner", level: "mandatory", mailbox: "jan.schmidt@fa-luebeck.example", identity: "jschmidt", message: "source Exchange mailbox juergen.weiss@fa-luebeck.example belongs to jweiss" },
    { policy: "source-match-strength", level: "advisory", mailbox: "x@im.example", identity: "x", message: "weak source match" },
  ],
};

describe("review comment: phase changes per mailbox", () => {
  it("lists each mailbox whose phase changes, flagging a move back and a skipped step, whatever its wave is called", () => {
    const inventory = readInventory(STAGING);
    const bindings = resolveBindings(inventory);
    const moved = bindings.map((b) => (b.owner?.uid === "jschmidt" ? { ...b, wave: "w09-renamed" } : b));
    const phases = { base: { "w01-fa-luebeck": "cut-over", "w01-lkn": "copying" } as const, head: { "w01-fa-luebeck": "cut-over", "w09-renamed": "copying", "w01-lkn": "done" } as const };
    const md = reviewMarkdown({ stack: "staging", baseLabel: "HEAD", base: bindings, head: moved, inventory, phases });
    expect(md).toContain("### Phase changes (per mailbox)");
    expect(md).toContain("- jan.schmidt@fa-luebeck.example: cut-over (wave w01-fa-luebeck) → copying (wave w09-renamed) ⚠ needs `phaseRollback`");
    expect(md).toMatch(/@lkn\.example: copying \(wave w01-lkn\) → done \(wave w01-lkn\) ⚠ needs `phaseSkip`: a step is skipped/);
    expect(md).not.toContain("maria.mueller@fa-luebeck.example: cut-over");
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
    expect(md).toContain("Compared with `origin/main (abc1234)`.");
    expect(md).toContain("| 0 | 1 | 2 | 0 | 0 | 1 |");
  });

  it("shows each re-binding with directory and Exchange evidence", () => {
    const entry = md.split("\n- **").find((block) => block.startsWith("jan.schmidt@fa-luebeck.example**"))!;
    expect(entry).toMatch(/^jan\.schmidt@fa-luebeck\.example\*\*: jschmidt \([0-9a-f-]{36}\) → jschmidt \([0-9a-f-]{36}\); changed: source/);
    expect(entry).toContain("directory: jschmidt = Jan Schmidt (fa-luebeck");
    expect(entry).toMatch(/exchange: juergen\.weiss@fa-luebeck\.example \(UserMailbox, line \d+\) belongs to AD account [0-9a-f-]{36} = jweiss/);
  });

  it("names the orphaned key and says it must be kept", () => {
    const nowak = base.find((b) => b.owner?.uid === "jnowak")!;
    expect(md).toContain(`- mailbox left the plan, key must be kept: \`${nowak.keyName}\``);
  });

  it("carries the gate's verdict and its mandatory findings only", () => {
    expect(md).toContain("**Policy gate:** REJECTED stack staging: 1 mandatory, 1 advisory violation(s)");
    expect(md).toContain("| mandatory | `source-belongs-to-owner` | `jan.schmidt@fa-luebeck.example` | `jschmidt` |");
    expect(md).not.toContain("weak source match");
  });

  it("never contains key material, only key names", () => {
    expect(md).not.toMatch(/password|result|userdb_mail_crypt/i);
  });

  it("says so when the stack did not exist at the base", () => {
    const fresh = reviewMarkdown({ stack: "staging", baseLabel: "HEAD", base: undefined, head, inventory });
    expect(fresh).toContain("does not exist at `HEAD`: every mailbox is new");
    expect(fresh).toContain(`| ${head.length} | 0 | 0 | ${head.length} | 0 | 0 |`);
  });
});

describe("oxmig review against a git base", () => {
  const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "user.name=Review Test", "-c", "user.email=review@test.example", ...args], { cwd, stdio: "pipe" });

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
    expect(md).toMatch(/Compared with `HEAD \([0-9a-f]{7,}\)`/);
    expect(md).toContain("| 0 | 1 | 2 | 0 | 0 | 1 |");
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
