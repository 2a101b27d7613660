// One stack through the gate: inputs → the real program under mocks → the real pack → findings.
// The pack is loaded, configured and has read the exports while the program still runs.
import path from "node:path";
import type { Binding, Inventory } from "@oxmig/core/model";
import { startPolicyPack, type PolicyPackClient } from "../engine/analyzer-client";
import { openInProcessPack } from "../engine/in-process-pack";
import { runProgram } from "../engine/program-process";
import { attribute, bindingLookup } from "./attribute";
import { StreamedAnalysis } from "./streamed-analysis";
import type { DeclaredResource, GateResult, GateViolation } from "../engine/types";
import { toGateViolation } from "../engine/violations";
import { readInventory } from "../io/inventory";
import { selectedBindings, stackSelection, type StackSelection } from "../io/stack-selection";
import { packSettings, policyPackConfig, type PackSettings } from "./policy-config";

/** Stands in for `secure:` config values, which only the Pulumi CLI can decrypt; never a real secret. */
const SECURE_PLACEHOLDER = "gate-placeholder-not-a-secret";

export interface GateTimings {
  inputsMs: number;
  /** The program child from start to answer; it starts alongside the inputs. */
  programMs: number;
  /** Loading, configuring and warming the pack; runs while the program runs. */
  packStartMs: number;
  /** From the program's end to the verdict (waiting for a slow pack start included). */
  policyMs: number;
  /** Time in Analyze for resources handed over as the program declared them (mostly while it ran). */
  analyzeAlongsideMs: number;
  /** Wall time of the whole gate. */
  totalMs: number;
  resources: number;
}

/**
 * How the gate talks to the pack: "in-process" (default) calls the policy SDK's own analyzer
 * handlers in this process; "grpc" starts the pack as `pulumi preview --policy-pack` does and
 * speaks the analyzer protocol to it. Both give the same findings (test/cli/gate-incidents.test.ts).
 */
export type AnalyzerMode = "in-process" | "grpc";
export const ANALYZER_MODES: readonly AnalyzerMode[] = ["in-process", "grpc"];

export interface GateRun {
  readonly result: GateResult;
  readonly timings: GateTimings;
  /** What the program declared (or what was given to gateDeclared), as the pack judged it. */
  readonly declared: readonly DeclaredResource[];
}

export interface GateOptions {
  readonly root?: string;
  /** Called at each phase, for progress lines. */
  readonly onPhase?: (phase: string) => void;
  readonly maxOldSpaceMb?: number;
  /** Gate this inventory instead of the stack's own (tests, what-if checks); the lock is read from it too. */
  readonly inventoryDir?: string;
  readonly analyzer?: AnalyzerMode;
  /** The stack's inventory when the caller has read it already (a family's shards share one). */
  readonly inventory?: Inventory;
}

/** The stack's program under mocks, then the pack on what it declared (analysed while it declares). */
export function runGate(stack: string, opts: GateOptions = {}): Promise<GateRun> {
  return gate(stack, opts, undefined);
}

/** What the stack's program declares under mocks, without judging it (see gateDeclared). */
export async function declareStack(stack: string, opts: Pick<GateOptions, "root" | "inventoryDir" | "maxOldSpaceMb"> = {}): Promise<DeclaredResource[]> {
  const root = opts.root ?? process.cwd();
  const selection = withInventory(stackSelection(stack, root), opts.inventoryDir);
  return runProgram(programOptions(stack, root, selection, opts.maxOldSpaceMb));
}

/**
 * The pack on resources declared elsewhere: a recorded plan, or (in tests) the program's declaration
 * altered the way plan.yaml cannot express, e.g. two keys swapped between people.
 */
export function gateDeclared(stack: string, declared: readonly DeclaredResource[], opts: GateOptions = {}): Promise<GateRun> {
  return gate(stack, opts, declared);
}

function programOptions(stack: string, root: string, selection: StackSelection, maxOldSpaceMb: number | undefined) {
  return {
    programModule: path.join(root, "infra", "index.ts"),
    project: selection.config.project,
    stack,
    ...programConfig(selection),
    ...(maxOldSpaceMb ? { maxOldSpaceMb } : {}),
  };
}

async function gate(stack: string, opts: GateOptions, given: readonly DeclaredResource[] | undefined): Promise<GateRun> {
  const root = opts.root ?? process.cwd();
  const phase = opts.onPhase ?? (() => undefined);
  const started = performance.now();
  let t = started;
  const lap = () => {
    const now = performance.now();
    const ms = now - t;
    t = now;
    return Math.round(ms);
  };

  phase("reading inputs");
  const selection = withInventory(stackSelection(stack, root), opts.inventoryDir);
  // The program starts now (it reads the inventory itself) while this process checks the inputs.
  const stopProgram = new AbortController();
  const programStarted = performance.now();
  // Resources given from elsewhere are judged whole; the program's are analysed as it declares them.
  const streamed = given ? undefined : new StreamedAnalysis();
  const programRun: Promise<readonly DeclaredResource[]> = given
    ? Promise.resolve(given)
    : runProgram({
        ...programOptions(stack, root, selection, opts.maxOldSpaceMb),
        signal: stopProgram.signal,
        ...(streamed ? { onDeclared: streamed.add } : {}),
      });
  programRun.catch(() => undefined); // awaited below; unhandled only until then
  let inventory: Inventory;
  let bindings: Binding[];
  try {
    inventory = opts.inventory ?? readInventory(selection.inventoryDir);
    // Resolving here turns unresolvable references into exit-2 errors before any finding is reported.
    bindings = selectedBindings(selection, inventory);
  } catch (err) {
    stopProgram.abort("the stack's inputs are invalid");
    throw err;
  }
  const inputsMs = lap();

  phase(`running the program under mocks (${bindings.length} mailboxes)`);
  const packRun = readyPack(path.join(root, "policies"), opts.analyzer ?? "in-process", packSettings(selection, inventory.plan, root));
  // Handled here so a failed start waits, unreported, until the program is done (then it throws below).
  packRun.then(
    ({ pack }) => streamed?.start(pack),
    () => undefined,
  );
  let resources: readonly DeclaredResource[];
  try {
    resources = await programRun;
  } catch (err) {
    await packRun.then(
      (p) => p.pack.close(),
      () => undefined,
    );
    throw err;
  }
  const programMs = Math.round(performance.now() - programStarted);
  lap();

  phase(`evaluating the policy pack on ${resources.length} resources`);
  const { pack, startMs: packStartMs } = await packRun;
  let violations: GateViolation[];
  try {
    const perResource = streamed ? await streamed.finish(resources.length) : await pack.analyze(resources);
    const found = [...perResource, ...(await pack.analyzeStack(resources))];
    const lookup = bindingLookup(bindings, inventory);
    violations = found.map(toGateViolation).map((v) => attribute(v, lookup, inventory.files.plan));
  } finally {
    pack.close();
  }
  const policyMs = lap();
  return {
    result: { stack, mailboxes: bindings.length, violations: sortViolations(violations) },
    timings: {
      inputsMs,
      programMs,
      packStartMs,
      policyMs,
      analyzeAlongsideMs: Math.round(streamed?.busyMs ?? 0),
      totalMs: Math.round(performance.now() - started),
      resources: resources.length,
    },
    declared: resources,
  };
}

/**
 * The pack, configured, with the exports it checks against already read: an empty AnalyzeStack
 * makes every stack rule load them (they are cached per file and mtime); its findings are dropped.
 */
async function readyPack(packDir: string, mode: AnalyzerMode, settings: PackSettings): Promise<{ pack: PolicyPackClient; startMs: number }> {
  const started = performance.now();
  const pack = mode === "grpc" ? await startPolicyPack({ packDir }) : await openInProcessPack(packDir);
  try {
    await pack.configure(policyPackConfig(settings, pack.policies));
    await pack.analyzeStack([]);
  } catch (err) {
    pack.close();
    throw err;
  }
  return { pack, startMs: Math.round(performance.now() - started) };
}

/** The stack's config as the program reads it; `secure:` values (CLI-encrypted) get a placeholder. */
function programConfig(selection: StackSelection): { config: Record<string, string>; secretKeys: string[] } {
  const { project } = selection.config;
  const qualified = (k: string) => (k.includes(":") ? k : `${project}:${k}`);
  const secretKeys = [...new Set([...selection.config.secureKeys, ...selection.config.declaredSecretKeys])].filter((k) => !(k in selection.config.values));
  const values = [...Object.entries(selection.config.values), ...secretKeys.map((k) => [k, SECURE_PLACEHOLDER] as const)];
  return { config: Object.fromEntries(values.map(([k, v]) => [qualified(k), v])), secretKeys: secretKeys.map(qualified) };
}

function withInventory(selection: StackSelection, dir: string | undefined): StackSelection {
  if (!dir) return selection;
  const inventoryDir = path.resolve(dir);
  return { ...selection, inventoryDir, config: { ...selection.config, values: { ...selection.config.values, inventory: inventoryDir } } };
}

/**
 * Sorted, mandatory first; each finding once: the same rule saying the same about the same mailbox
 * is one finding, whichever resource it came through (two userdb lines, two resources under one URN).
 */
function sortViolations(vs: GateViolation[]): GateViolation[] {
  const key = (v: GateViolation) => `${v.level === "mandatory" ? 0 : 1}\u0000${v.mailbox ?? "\uffff"}\u0000${v.policy}\u0000${v.message}`;
  const unique = [
    ...new Map(
      vs.map((v) => [
        `${key(v)}\u0000${v.identity ?? ""}\u0000${v.file ?? ""}:${v.line ?? ""}\u0000${v.urn === undefined || v.subject || v.mailbox !== undefined ? "" : v.urn}`,
        v,
      ]),
    ).values(),
  ];
  // Keys computed once per finding, not per comparison.
  const keyed = unique.map((v) => ({ v, k: key(v) }));
  return keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((e) => e.v);
}

export type { DeclaredResource };
