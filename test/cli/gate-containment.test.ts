// Containment is the incident's remedy, so the gate must let it through once reviewed: two mailboxes
// of staging contained (one in a wave already cut over, one still copying), `oxmig lock` rerun, and
// no rule blocks it — not the lifecycle rules, not the migration's, not the lock's. And the deny list
// is checked against the lock: a login added to it by hand is a person locked out without review.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runGate } from "../../gate/run-gate";
import { K8S, TYPES } from "@oxmig/core/contract";
import { parseLock } from "@oxmig/core/lock";
import type { DeclaredResource, GateViolation } from "../../engine/types";
import { isBlocking } from "../../engine/violations";
import { copyStaging, PlanText, ROOT } from "./support/inventory-mistakes";
import { lockStaging as lock } from "./support/lock-run";
import { gateAltered } from "./support/altered-gate";

const REASON = "INC-2026-0042: holds foreign mail, audit 2026-12-02";

function contain(plan: PlanText, uid: string): void {
  const row = plan.findOwnerRow(uid);
  plan.lines.splice(row + 1, 0, `${plan.lines[row]!.match(/^\s*/)![0]}contain: "${REASON}"`);
}

/** The deny list of a context with one more login, as if edited by hand. */
function addDenied(resources: DeclaredResource[], context: string, login: string): DeclaredResource[] {
  return resources.map((r) => {
    if (r.type !== TYPES.configMap || r.name !== `deny-${context}`) return r;
    const data = { [K8S.denyDataKey]: `${(r.inputs["data"] as Record<string, string>)[K8S.denyDataKey]}${login}\n` };
    return { ...r, inputs: { ...r.inputs, data }, outputs: { ...r.outputs, data } };
  });
}

const describeFinding = (v: GateViolation) => `${v.policy}: ${v.message}`;

describe("containment passes the gate once locked", () => {
  let dir: string;
  let relock: { code: number; stdout: string };
  let blocking: GateViolation[];
  let tampered: GateViolation[];

  beforeAll(async () => {
    dir = copyStaging("oxmig-containment-");
    // The affected wave has been migrated: the lock records it at cut-over before anything is contained.
    const planFile = path.join(dir, "plan.yaml");
    fs.writeFileSync(
      planFile,
      fs.readFileSync(planFile, "utf8").replace(/(- name: w01-fa-luebeck\n {4}context: fa-luebeck\n {4}phase: )copying/, "$1cut-over"),
    );
    expect(lock(dir).code).toBe(0);
    const plan = new PlanText(planFile);
    contain(plan, "jschmidt");
    contain(plan, "hmeyerluedenscheid");
    plan.save();
    relock = lock(dir);
    const [clean, edited] = await Promise.all([
      runGate("staging", { root: ROOT, inventoryDir: dir }),
      gateAltered("staging", { root: ROOT, inventoryDir: dir }, (rs) => addDenied(rs, "fa-luebeck", "mmueller")),
    ]);
    blocking = clean.result.violations.filter(isBlocking);
    tampered = edited.result.violations.filter(isBlocking);
  }, 240_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("oxmig lock records both containments and names them people-first", () => {
    expect(relock.code).toBe(0);
    expect(relock.stdout).toMatch(/: \d+ mailboxes, 2 changes, 0 phase steps\n/);
    expect(relock.stdout).toMatch(
      new RegExp(
        `\\n  contained jan\\.schmidt@fa-luebeck\\.example — Jan Schmidt <jan\\.schmidt@fa-luebeck\\.example> \\(jschmidt, fa-luebeck, id [^)]+\\): ${REASON}\\n`,
      ),
    );
    expect(relock.stdout).toMatch(/\n {2}contained hans-juergen\.meyer-luedenscheid@im\.example — .* \(hmeyerluedenscheid, im, id [^)]+\): INC-2026-0042/);
    const locked = parseLock(fs.readFileSync(path.join(dir, "bindings.lock.yaml"), "utf8"), "lock");
    expect(locked.mailboxes.filter((e) => e.contain).map((e) => [e.login, e.contain, e.phase])).toEqual([
      ["jschmidt", REASON, "cut-over"],
      ["hmeyerluedenscheid", REASON, "copying"],
    ]);
  });

  it("no mandatory finding from any rule: lifecycle, migration and lock rules let the containment through", () => {
    expect(blocking.map(describeFinding)).toEqual([]);
  });

  it("a login added to the deny list by hand is rejected, naming the person locked out without review", () => {
    const found = tampered.filter((v) => v.policy === "containment-matches-lock");
    expect(found.map((v) => [v.mailbox, v.identity])).toEqual([["maria.mueller@fa-luebeck.example", "mmueller"]]);
    expect(found[0]!.message).toMatch(
      /deny-fa-luebeck line 2 blocks login "mmueller", but the lock \S*bindings\.lock\.yaml records no containment for it: a person locked out without review/,
    );
    expect(tampered.every((v) => v.policy === "containment-matches-lock")).toBe(true);
  });
});

describe("the incident's own steps pass the gate: contain, correct the pairing (re-migrate), release", () => {
  let dir: string;
  const steps: { lock: { code: number; stdout: string }; blocking: GateViolation[] }[] = [];

  /** Sets a line under each of these owners' plan lines. */
  function annotate(planFile: string, uids: readonly string[], line: string): void {
    const plan = new PlanText(planFile);
    for (const uid of uids) {
      const row = plan.findOwnerRow(uid);
      plan.lines.splice(row + 1, 0, `${plan.lines[row]!.match(/^\s*/)![0]}${line}`);
    }
    plan.save();
  }

  beforeAll(async () => {
    dir = copyStaging("oxmig-containment-steps-");
    const planFile = path.join(dir, "plan.yaml");
    // The incident: a crossed pairing got locked (review bypassed) and its wave cut over.
    const crossed = new PlanText(planFile);
    crossed.swapOwners(crossed.findOwnerRow("jschmidt"), crossed.findOwnerRow("jweiss"));
    crossed.save();
    expect(lock(dir).code).toBe(0);
    fs.writeFileSync(
      planFile,
      fs.readFileSync(planFile, "utf8").replace(/(- name: w01-fa-luebeck\n {4}context: fa-luebeck\n {4}phase: )copying/, "$1cut-over"),
    );
    expect(lock(dir).code).toBe(0);
    // Contain both, then correct the pairing (a source change past cut-over needs rebind), then release.
    annotate(planFile, ["jschmidt", "jweiss"], `contain: "${REASON}"`);
    const corrected = new PlanText(planFile);
    corrected.swapOwners(corrected.findOwnerRow("jschmidt"), corrected.findOwnerRow("jweiss"));
    corrected.save();
    annotate(planFile, ["jschmidt", "jweiss"], 'rebind: "INC-2026-0042: corrected pairing"');
    steps.push({ lock: lock(dir), blocking: (await runGate("staging", { root: ROOT, inventoryDir: dir })).result.violations.filter(isBlocking) });
    fs.writeFileSync(
      planFile,
      fs
        .readFileSync(planFile, "utf8")
        .split("\n")
        .filter((l) => !l.includes(`contain: "${REASON}"`))
        .join("\n"),
    );
    steps.push({ lock: lock(dir), blocking: (await runGate("staging", { root: ROOT, inventoryDir: dir })).result.violations.filter(isBlocking) });
  }, 240_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("the corrected pairing of the contained mailboxes is locked and passes the gate", () => {
    const [corrected] = steps;
    expect(corrected!.lock.code).toBe(0);
    expect(corrected!.lock.stdout).toMatch(/re-bound jan\.schmidt@fa-luebeck\.example: Jürgen Weiß .* → Jan Schmidt/);
    expect(corrected!.lock.stdout).toMatch(/contained jan\.schmidt@fa-luebeck\.example — Jan Schmidt .*: INC-2026-0042/);
    expect(corrected!.blocking.map(describeFinding)).toEqual([]);
  });

  it("releasing them is reviewed the same way and passes the gate", () => {
    const [, released] = steps;
    expect(released!.lock.code).toBe(0);
    expect(released!.lock.stdout).toMatch(/: \d+ mailboxes, 2 changes, 0 phase steps\n/);
    expect(released!.lock.stdout).toMatch(/\n {2}released jan\.schmidt@fa-luebeck\.example — Jan Schmidt .*; was contained: INC-2026-0042/);
    expect(released!.lock.stdout).toMatch(/\n {2}released juergen\.weiss@fa-luebeck\.example — /);
    expect(released!.blocking.map(describeFinding)).toEqual([]);
  });
});
