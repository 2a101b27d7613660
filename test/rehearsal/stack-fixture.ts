// A throwaway project for command tests: Pulumi.yaml, Pulumi.<stack>.yaml and a small generated
// inventory (synthetic people, .example domains) in a temp dir.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dump } from "js-yaml";
import { resolveBindings } from "@oxmig/core/bindings";
import { generate } from "@oxmig/core/generate";
import type { Binding } from "@oxmig/core/model";
import { readInventory } from "../../io/inventory";
import { childrenOf, isDovecotMaster, processArgv } from "../../rehearsal/dovecot/process-info";

export const STACK = "rehearsal-test";
/** One wave of the generated inventory: 3 people, a shared mailbox, a room and an equipment mailbox. */
export const WAVE = "w01-im";

export interface StackFixture {
  readonly cwd: string;
  /** Resolved with the default mail root (the command resolves again with its own). */
  readonly bindings: readonly Binding[];
}

export function makeStackFixture(extraConfig: Record<string, string | number> = {}): StackFixture {
  const cwd = mkdtempSync(join(tmpdir(), "oxmig-cmd-test-"));
  const inventory = generate({ people: 8, seed: 3 });
  mkdirSync(join(cwd, "inv"));
  writeFileSync(join(cwd, "inv", "directory.ldif"), inventory.directoryLdif);
  writeFileSync(join(cwd, "inv", "exchange.csv"), inventory.exchangeCsv);
  writeFileSync(join(cwd, "inv", "plan.yaml"), inventory.planYaml);
  writeFileSync(join(cwd, "Pulumi.yaml"), "name: oxmig\nruntime: nodejs\n");
  writeStackConfig(cwd, extraConfig);
  const bindings = resolveBindings(readInventory(join(cwd, "inv")), { waves: [WAVE] });
  return { cwd, bindings };
}

export function writeStackConfig(cwd: string, extraConfig: Record<string, string | number>): void {
  const config = Object.fromEntries(Object.entries({ inventory: "inv", waves: [WAVE], ...extraConfig }).map(([k, v]) => [`oxmig:${k}`, v]));
  writeFileSync(join(cwd, `Pulumi.${STACK}.yaml`), dump({ config }));
}

/** Collects what a command writes. */
export function capture() {
  let text = "";
  return { isTTY: false, write: (chunk: string) => ((text += chunk), true), text: () => text };
}

/** PIDs of Dovecot processes started by this test process: masters are our children, their children carry our PID in the instance name. */
export function ourDovecotProcesses(): number[] {
  const marker = new RegExp(`^dovecot-oxmig-(source|target)-${process.pid}-`);
  const masters = childrenOf(process.pid).filter((pid) => isDovecotMaster(pid));
  const helpers = readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => marker.test(processArgv(pid)?.[0] ?? ""));
  return [...masters, ...helpers];
}

/** Moves the fixture's wave to another phase in inv/plan.yaml (as an operator would edit plan.yaml). */
export function setWavePhase(cwd: string, phase: "copying" | "cut-over" | "done"): void {
  const file = join(cwd, "inv", "plan.yaml");
  const text = readFileSync(file, "utf8");
  const updated = text.replace(new RegExp(`(- name: ${WAVE}\\n(?: {4}\\S.*\\n)*? {4}phase: )\\S+`), `$1${phase}`);
  if (updated === text && !text.includes(`phase: ${phase}`)) throw new Error(`no phase line for ${WAVE} in ${file}`);
  writeFileSync(file, updated);
}
