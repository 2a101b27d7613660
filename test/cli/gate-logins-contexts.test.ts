// Issue 16, classes 3, 7 and 9b end to end on copies of inventory/staging: pattern logins (refused by
// the resolver from the inputs, rejected by logins-are-literal when the program declares one), a
// user's OX context id swapped to another context's, and the documented contextException.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silenced, silencedAsync } from "../support/capture-output";
import { resolveBindings } from "@oxmig/core/bindings";
import { TYPES } from "@oxmig/core/contract";
import { gateCommand } from "../../cli/commands/gate";
import { lockCommand } from "../../cli/commands/lock";
import type { DeclaredResource, GateViolation } from "../../engine/types";
import { isBlocking } from "../../engine/violations";
import { readInventory } from "../../io/inventory";
import { copyStaging, ROOT } from "./support/inventory-mistakes";
import { gateAltered } from "./support/altered-gate";

const LOCK_RULE = "bindings-match-lock";
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function staging(): string {
  const dir = copyStaging("oxmig-logins-contexts-");
  dirs.push(dir);
  return dir;
}

const oxmig = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, "bin/oxmig.cjs"), ...args], { cwd, encoding: "utf8" });

/** `oxmig lock` over the edited inventory (the re-approval a careless engineer would do), then the gate. */
async function relockAndGate(dir: string): Promise<{ exit: number; blocking: GateViolation[] }> {
  expect(silenced(() => lockCommand({ stack: "staging", inventory: dir, root: ROOT }))).toBe(0);
  const report = path.join(dir, "gate.json");
  const exit = await silencedAsync(() => gateCommand({ stack: "staging", format: "json", root: ROOT, inventory: dir, out: report, quiet: true }));
  const { violations } = JSON.parse(fs.readFileSync(report, "utf8")) as { violations: GateViolation[] };
  return { exit, blocking: violations.filter(isBlocking) };
}

/** Sets input and output properties alike (Analyze reads inputs, AnalyzeStack outputs). */
function edit(r: DeclaredResource, change: (props: Record<string, unknown>) => void): DeclaredResource {
  const inputs = structuredClone(r.inputs);
  const outputs = structuredClone(r.outputs);
  change(inputs);
  change(outputs);
  return { ...r, inputs, outputs };
}

describe("class 3: an Exchange Alias that doveadm would read as a pattern", () => {
  let dir: string;
  let planLine: number;
  let csvLine: number;

  beforeAll(() => {
    dir = staging();
    const csv = path.join(dir, "exchange.csv");
    const lines = fs.readFileSync(csv, "utf8").split("\n");
    csvLine = lines.findIndex((l) => l.includes('"poststelle-fa-luebeck"')) + 1;
    lines[csvLine - 1] = lines[csvLine - 1]!.replace('"poststelle-fa-luebeck"', '"poststelle*"');
    fs.writeFileSync(csv, lines.join("\n"));
    planLine =
      fs
        .readFileSync(path.join(dir, "plan.yaml"), "utf8")
        .split("\n")
        .findIndex((l) => l.trim() === "- source: poststelle@fa-luebeck.example") + 1;
  });

  const named = (stderr: string) => {
    expect(stderr).toContain(`plan.yaml: line ${planLine} `);
    expect(stderr).toContain(`login "shared-poststelle*" from the Exchange Alias "poststelle*"`);
    expect(stderr).toContain(`exchange.csv line ${csvLine}`);
    expect(stderr).toContain("doveadm user-mask wildcard");
  };

  it("oxmig gate exits 2 naming plan.yaml and exchange.csv lines, and oxmig lock writes nothing", () => {
    const lockBefore = fs.readFileSync(path.join(dir, "bindings.lock.yaml"), "utf8");
    const gate = oxmig(ROOT, "gate", "--stack", "staging", "--inventory", dir);
    expect(gate.status).toBe(2);
    named(gate.stderr);
    const lock = oxmig(ROOT, "lock", "--stack", "staging", "--inventory", dir);
    expect(lock.status).toBe(2);
    named(lock.stderr);
    expect(fs.readFileSync(path.join(dir, "bindings.lock.yaml"), "utf8")).toBe(lockBefore);
  });

  it("oxmig bindings exits 2 and prints no binding", () => {
    const project = staging();
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
    fs.writeFileSync(path.join(project, "Pulumi.staging.yaml"), `config:\n  oxmig:inventory: ${dir}\n`);
    const run = oxmig(project, "bindings", "--stack", "staging", "--format", "json");
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    named(run.stderr);
  });
});

describe("classes 3 and 7: the program declares what the inputs cannot express", () => {
  let blocking: GateViolation[];
  let contextOf: Map<string, number>;

  beforeAll(async () => {
    const dir = staging();
    const bindings = resolveBindings(readInventory(dir));
    const poststelle = bindings.find((b) => b.primaryAddress.normalised === "poststelle@fa-luebeck.example")!;
    const jan = bindings.find((b) => b.owner?.uid === "jschmidt")!;
    const script = `pairings-${poststelle.wave}`;
    contextOf = new Map();
    const transform = (resources: DeclaredResource[]) =>
      resources.map((r) => {
        if (r.type === TYPES.oxContext) contextOf.set(r.inputs["name"] as string, r.inputs["contextId"] as number);
        if (r.type === TYPES.oxUser && r.name === `oxuser-${poststelle.mailboxId}`) {
          // An infra edit that turns functional logins into masks: OX, and the Job's -u below.
          return edit(r, (p) => Object.assign(p, { name: "shared-poststelle*", imapLogin: "shared-poststelle*" }));
        }
        if (r.type === TYPES.configMap && r.name === script) {
          return edit(r, (p) => {
            const data = p["data"] as Record<string, string>;
            data["migrate.sh"] = data["migrate.sh"]!.replace(`'-u' '${poststelle.dovecotLogin}'`, "'-u' 'shared-poststelle*'");
          });
        }
        // Jan's OX user gets the id of the ministry's context (im): OX would create him there.
        if (r.type === TYPES.oxUser && r.name === `oxuser-${jan.mailboxId}`) return edit(r, (p) => (p["contextId"] = 102));
        return r;
      });
    const run = await gateAltered("staging", { root: ROOT, inventoryDir: dir }, transform);
    blocking = run.result.violations.filter(isBlocking);
  }, 120_000);

  it("a pattern login declared for OX and run by migrate.sh is rejected by logins-are-literal", () => {
    const found = blocking.filter((v) => v.policy === "logins-are-literal" && v.mailbox === "poststelle@fa-luebeck.example").map((v) => v.message);
    expect(found.join("\n")).toContain('OX name "shared-poststelle*" is not a literal login');
    expect(found.join("\n")).toContain('migrate.sh doveadm backup -u "shared-poststelle*" is not a literal login');
  });

  it("a user's contextId swapped to another context's id is rejected by user-in-its-context", () => {
    expect(contextOf.get("im")).toBe(102);
    const found = blocking.filter((v) => v.policy === "user-in-its-context");
    expect(found).toHaveLength(1);
    expect(found[0]?.mailbox).toBe("jan.schmidt@fa-luebeck.example");
    expect(found[0]?.message).toContain('contextId 102 is not the id of its context "fa-luebeck" (101); 102 is the id of "im"');
  });
});

describe("class 9b: contextException", () => {
  /** Moves jweiss (fa-luebeck, delegate of nothing) into the ministry's first wave, with or without a reason. */
  function moveToMinistry(dir: string, reason?: string): void {
    const file = path.join(dir, "plan.yaml");
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const at = lines.findIndex((l) => l.trim() === "- source: juergen.weiss@fa-luebeck.example");
    const moved = lines.splice(at, 2);
    const im = lines.findIndex((l) => l.trim() === "- name: w01-im");
    const mailboxes = lines.findIndex((l, i) => i > im && l.trim() === "mailboxes:");
    lines.splice(mailboxes + 1, 0, ...moved, ...(reason ? [`        contextException: "${reason}"`] : []));
    fs.writeFileSync(file, lines.join("\n"));
  }

  it("a documented exception passes after oxmig lock", async () => {
    const dir = staging();
    moveToMinistry(dir, "seconded to the ministry until 2027");
    const { exit, blocking } = await relockAndGate(dir);
    expect(blocking).toEqual([]);
    expect(exit).toBe(0);
  }, 120_000);

  it("an undocumented move into another organisation's context is rejected by context-matches-organisation after oxmig lock", async () => {
    const dir = staging();
    moveToMinistry(dir);
    const { exit, blocking } = await relockAndGate(dir);
    expect(exit).toBe(1);
    expect(blocking.filter((v) => v.policy === LOCK_RULE)).toEqual([]);
    const found = blocking.filter((v) => v.policy === "context-matches-organisation");
    expect(found.map((v) => v.mailbox)).toEqual(["juergen.weiss@fa-luebeck.example"]);
    expect(found[0]?.message).toContain('context "im" does not serve the owner\'s organisation');
  }, 120_000);
});
