// One stack through the gate: inputs → the real program under mocks → the real pack over gRPC → findings.
import path from "node:path";
import { resolveBindings } from "../../core/bindings";
import type { Binding } from "../../core/model";
import { startPolicyPack } from "../../gate/analyzer-client";
import { runProgram } from "../../gate/program-process";
import type { DeclaredResource, GateResult, GateViolation } from "../../gate/types";
import { toGateViolation } from "../../gate/violations";
import { readInventory } from "../../io/inventory";
import { stackSelection, type StackSelection } from "../../io/stack-selection";
import { packSettings, policyPackConfig } from "./policy-config";

/** Stands in for `secure:` config values, which only the Pulumi CLI can decrypt; never a real secret. */
const SECURE_PLACEHOLDER = "gate-placeholder-not-a-secret";

export interface GateTimings {
  inputsMs: number;
  programMs: number;
  packStartMs: number;
  policyMs: number;
  resources: number;
}

export interface GateRun {
  readonly result: GateResult;
  readonly timings: GateTimings;
}

export interface GateOptions {
  readonly root?: string;
  /** Called at each phase, for progress lines. */
  readonly onPhase?: (phase: string) => void;
  readonly maxOldSpaceMb?: number;
  /** Gate this inventory instead of the stack's own (tests, what-if checks); the lock is read from it too. */
  readonly inventoryDir?: string;
  /**
   * Rewrites what the program declared before the pack sees it (tests of mistakes plan.yaml cannot
   * express, e.g. two keys swapped between people). Never set by the CLI.
   */
  readonly transformResources?: (resources: DeclaredResource[]) => DeclaredResource[];
}

export async function runGate(stack: string, opts: GateOptions = {}): Promise<GateRun> {
  const root = opts.root ?? process.cwd();
  const phase = opts.onPhase ?? (() => undefined);
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = now - t;
    t = now;
    return Math.round(ms);
  };

  phase("reading inputs");
  const selection = withInventory(stackSelection(stack, root), opts.inventoryDir);
  const inventory = readInventory(selection.inventoryDir);
  // Resolving here turns unresolvable references into exit-2 errors before anything runs.
  const bindings = resolveBindings(inventory, selection.resolve);
  const inputsMs = lap();

  phase(`running the program under mocks (${bindings.length} mailboxes)`);
  const secretKeys = [...new Set([...selection.config.secureKeys, ...selection.config.declaredSecretKeys])].filter((k) => !(k in selection.config.values));
  const config = Object.fromEntries(
    [...Object.entries(selection.config.values), ...secretKeys.map((k) => [k, SECURE_PLACEHOLDER] as const)].map(([k, v]) => [
      k.includes(":") ? k : `${selection.config.project}:${k}`,
      v,
    ]),
  );
  const declared = await runProgram({
    programModule: path.join(root, "infra", "index.ts"),
    project: selection.config.project,
    stack,
    config,
    secretKeys: secretKeys.map((k) => (k.includes(":") ? k : `${selection.config.project}:${k}`)),
    ...(opts.maxOldSpaceMb ? { maxOldSpaceMb: opts.maxOldSpaceMb } : {}),
  });
  const resources = opts.transformResources ? opts.transformResources(declared) : declared;
  const programMs = lap();

  phase(`evaluating the policy pack on ${resources.length} resources`);
  const pack = await startPolicyPack({ packDir: path.join(root, "policies") });
  const packStartMs = lap();
  let violations: GateViolation[];
  try {
    await pack.configure(policyPackConfig(packSettings(selection, inventory.plan, root), pack.policies));
    const found = [...(await pack.analyze(resources)), ...(await pack.analyzeStack(resources))];
    const lookup = bindingLookup(bindings);
    violations = found.map(toGateViolation).map((v) => attribute(v, lookup, inventory.files.plan));
  } finally {
    pack.close();
  }
  const policyMs = lap();
  return {
    result: { stack, mailboxes: bindings.length, violations: sortViolations(violations) },
    timings: { inputsMs, programMs, packStartMs, policyMs, resources: resources.length },
  };
}

function withInventory(selection: StackSelection, dir: string | undefined): StackSelection {
  if (!dir) return selection;
  const inventoryDir = path.resolve(dir);
  return { ...selection, inventoryDir, config: { ...selection.config, values: { ...selection.config.values, inventory: inventoryDir } } };
}

interface BindingLookup {
  readonly byId: ReadonlyMap<string, Binding>;
  /** Primary address (as displayed and normalised) → binding; the first binding wins, as a linear search would. */
  readonly byAddress: ReadonlyMap<string, Binding>;
}

/** Maps built once per gate: thousands of findings each look up their mailbox. */
function bindingLookup(bindings: readonly Binding[]): BindingLookup {
  const byId = new Map<string, Binding>();
  const byAddress = new Map<string, Binding>();
  for (const b of bindings) {
    if (!byId.has(b.mailboxId)) byId.set(b.mailboxId, b);
    for (const a of [b.primaryAddress.display, b.primaryAddress.normalised]) if (!byAddress.has(a)) byAddress.set(a, b);
  }
  return { byId, byAddress };
}

/** Fills mailbox and plan line from the resource name when the rule did not say (names carry the mailbox id). */
function attribute(v: GateViolation, lookup: BindingLookup, planFile: string): GateViolation {
  const name = v.urn?.split("::").pop() ?? "";
  const id = /^(?:oxuser|key|mbx)-(.+)$/.exec(name)?.[1];
  const binding = id ? lookup.byId.get(id) : v.mailbox !== undefined ? lookup.byAddress.get(v.mailbox) : undefined;
  if (!binding) return v;
  return {
    ...v,
    mailbox: v.mailbox ?? binding.primaryAddress.display,
    ...(v.identity === undefined && binding.owner ? { identity: binding.owner.uid } : {}),
    ...(v.file === undefined ? { file: planFile, line: binding.planLine } : {}),
  };
}

/** Sorted, mandatory first; identical findings once (two resources under one URN report everything twice). */
function sortViolations(vs: GateViolation[]): GateViolation[] {
  const key = (v: GateViolation) => `${v.level === "mandatory" ? 0 : 1}\u0000${v.mailbox ?? "\uffff"}\u0000${v.policy}\u0000${v.message}`;
  const unique = [...new Map(vs.map((v) => [`${key(v)}\u0000${v.urn ?? ""}\u0000${v.identity ?? ""}`, v])).values()];
  // Keys computed once per finding, not per comparison.
  const keyed = unique.map((v) => ({ v, k: key(v) }));
  return keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((e) => e.v);
}

export type { DeclaredResource };
