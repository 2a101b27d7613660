// `oxmig review`: the reviewer's Markdown for a pull-request comment. What changed hands between
// the base revision and the working tree (with directory and Exchange evidence), which keys are
// created, rotated or orphaned, and the gate's verdict. Only key names appear, never key material.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { resolveBindings, type ResolveOptions } from "@oxmig/core/bindings";
import type { Binding, Inventory } from "@oxmig/core/model";
import { escapeMarkdown as md } from "@oxmig/core/markdown-text";
import { computeReview, type ReviewPhases } from "@oxmig/core/review";
import { renderReviewMarkdown } from "@oxmig/core/review-markdown";
import { mandatoryFindings } from "../../gate/report/markdown";
import { verdict } from "../../gate/report/text";
import type { GateResult } from "../../engine/types";
import { readInventoryAtRevision } from "../../io/git-inventory";
import { readInventory } from "../../io/inventory";
import { selectedBindings, stackSelection } from "../../io/stack-selection";
import { writeOutFile } from "../out-file";
import { runGate } from "../../gate/run-gate";

export interface ReviewOptions {
  readonly stack: string;
  /** Git revision to compare with (default: origin/main if it exists, else HEAD). */
  readonly base?: string;
  readonly out?: string;
  readonly root?: string;
  /** false: skip the gate (no verdict section). */
  readonly gate?: boolean;
}

export interface ReviewInputs {
  readonly stack: string;
  /** How the base is named in the comment, e.g. "origin/main (1a2b3c4)". */
  readonly baseLabel: string;
  /** Bindings at the base; undefined when the stack's inventory did not exist there. */
  readonly base: readonly Binding[] | undefined;
  readonly head: readonly Binding[];
  readonly inventory: Inventory;
  /** Wave phases at the base and now, for the per-mailbox phase changes. */
  readonly phases?: ReviewPhases;
  readonly gate?: GateResult;
}

/** The comment text; pure, so it is tested without git or the gate. */
export function reviewMarkdown(inputs: ReviewInputs): string {
  const review = computeReview(inputs.base ?? [], inputs.head, inputs.inventory, inputs.phases);
  const findings = inputs.gate ? mandatoryFindings(inputs.gate) : [];
  const gateLine = inputs.gate ? [`**Policy gate:** ${md(verdict(inputs.gate))}${findings.length ? " (findings below the binding changes)" : ""}`] : [];
  const baseLine = inputs.base
    ? `Compared with ${md(inputs.baseLabel)}.`
    : `The inventory of this stack does not exist at ${md(inputs.baseLabel)}: every mailbox is new.`;
  const appendix = findings.length ? ["### Policy gate: mandatory findings", "", ...findings] : [];
  return renderReviewMarkdown(inputs.stack, review, [baseLine, "", ...gateLine].join("\n").trimEnd(), appendix);
}

function git(args: readonly string[], cwd: string): string | undefined {
  try {
    return execFileSync("git", [...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

/** origin/main when the remote branch exists (CI, clones), else HEAD (the last commit). */
export function defaultBase(cwd: string): string {
  return git(["rev-parse", "--verify", "--quiet", "origin/main^{commit}"], cwd) ? "origin/main" : "HEAD";
}

const phasesOf = (inventory: Inventory | undefined) => Object.fromEntries((inventory?.plan.waves ?? []).map((w) => [w.name, w.phase]));

function baseBindings(ref: string, inventoryDir: string, resolve: ResolveOptions, cwd: string): { bindings?: Binding[]; phases: ReturnType<typeof phasesOf> } {
  const inventory = readInventoryAtRevision(ref, inventoryDir, cwd);
  return { ...(inventory ? { bindings: resolveBindings(inventory, resolve) } : {}), phases: phasesOf(inventory) };
}

export async function reviewCommand(opts: ReviewOptions): Promise<number> {
  const root = fs.realpathSync(opts.root ?? process.cwd());
  const selection = stackSelection(opts.stack, root);
  const ref = opts.base ?? defaultBase(root);
  const inventory = readInventory(selection.inventoryDir);
  const head = selectedBindings(selection, inventory);
  const { bindings: base, phases: basePhases } = baseBindings(ref, selection.inventoryDir, selection.resolve, root);
  const phases = { base: basePhases, head: phasesOf(inventory) };
  const commit = git(["rev-parse", "--short", `${ref}^{commit}`], root);
  const gate =
    opts.gate === false ? undefined : (await runGate(opts.stack, { root, onPhase: (p) => process.stderr.write(`review ${opts.stack}: gate: ${p}\n`) })).result;
  const markdown = reviewMarkdown({
    stack: opts.stack,
    baseLabel: commit ? `${ref} (${commit})` : ref,
    base,
    head,
    inventory,
    phases,
    ...(gate ? { gate } : {}),
  });
  if (opts.out) {
    writeOutFile(opts.out, markdown);
  } else {
    process.stdout.write(markdown.endsWith("\n") ? markdown : `${markdown}\n`);
  }
  return 0;
}
