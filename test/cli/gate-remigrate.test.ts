// The re-migration after an incident (docs/incident.md, 4–5) passes the gate once locked and reviewed:
// `remigrate:` on a corrected plan line of a wave at cut-over renders that pair as an import, which every
// rule accepts. A remigrate line that pairs the mailbox with someone else's source is rejected, the
// import judged against the exports like any other run of the Job.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLock } from "@oxmig/core/lock";
import type { GateViolation } from "../../engine/types";
import { isBlocking } from "../../engine/violations";
import { runGate } from "../../gate/run-gate";
import { copyStaging, PlanText, ROOT } from "./support/inventory-mistakes";
import { lockStaging as lock } from "./support/lock-run";

const REASON = "INC-2026-0042: corrected pairing, cleaned 2026-12-03";

function addUnder(plan: PlanText, uid: string, line: string): void {
  const row = plan.findOwnerRow(uid);
  plan.lines.splice(row + 1, 0, `${plan.lines[row]!.match(/^\s*/)![0]}${line}`);
}

/** A copy of staging whose first wave the lock records at cut-over. */
function cutOverStaging(): string {
  const dir = copyStaging("oxmig-remigrate-");
  const planFile = path.join(dir, "plan.yaml");
  fs.writeFileSync(planFile, fs.readFileSync(planFile, "utf8").replace(/(- name: w01-fa-luebeck\n {4}context: fa-luebeck\n {4}phase: )copying/, "$1cut-over"));
  expect(lock(dir).code).toBe(0);
  return dir;
}

const describeFinding = (v: GateViolation) => `${v.policy}: ${v.message}`;

describe("a reviewed re-migration passes the gate", () => {
  let dir: string;
  let relock: { code: number; stdout: string };
  let blocking: GateViolation[];

  beforeAll(async () => {
    dir = cutOverStaging();
    const plan = new PlanText(path.join(dir, "plan.yaml"));
    addUnder(plan, "jschmidt", `remigrate: "${REASON}"`);
    plan.save();
    relock = lock(dir);
    blocking = (await runGate("staging", { root: ROOT, inventoryDir: dir })).result.violations.filter(isBlocking);
  }, 240_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("oxmig lock records it and says, people first, whose source goes into whose mailbox and why", () => {
    expect(relock.code).toBe(0);
    expect(relock.stdout).toMatch(
      /re-migrates jan\.schmidt@fa-luebeck\.example \(Exchange mailbox of Jan Schmidt <[^>]+> \(jschmidt, fa-luebeck, id [^)]+\)\) into the mailbox of Jan Schmidt/,
    );
    expect(relock.stdout).toContain(REASON);
    const entry = parseLock(fs.readFileSync(path.join(dir, "bindings.lock.yaml"), "utf8"), "lock").mailboxes.find((e) => e.login === "jschmidt");
    expect(entry?.remigrate).toBe(REASON);
  });

  it("no rule blocks the import", () => {
    expect(blocking.map(describeFinding)).toEqual([]);
  });
});

describe("a remigrate line that pairs the mailbox with someone else's source", () => {
  let dir: string;
  let blocking: GateViolation[];

  beforeAll(async () => {
    dir = cutOverStaging();
    const plan = new PlanText(path.join(dir, "plan.yaml"));
    // Jan's corrected line names Maria's source (and Maria's Jan's): the wrong pairing again, now as an import.
    const [jan, maria] = [plan.findOwnerRow("jschmidt"), plan.findOwnerRow("mmueller")];
    const [janSource, mariaSource] = [plan.sourceOf(jan), plan.sourceOf(maria)];
    plan.setSource(jan, mariaSource);
    plan.setSource(maria, janSource);
    for (const uid of ["jschmidt", "mmueller"]) {
      addUnder(plan, uid, `remigrate: "${REASON}"`);
      addUnder(plan, uid, `rebind: "${REASON}"`);
    }
    plan.save();
    expect(lock(dir).code).toBe(0);
    blocking = (await runGate("staging", { root: ROOT, inventoryDir: dir })).result.violations.filter(isBlocking);
  }, 240_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is rejected: the import copies Maria's Exchange mailbox into Jan's mailbox", () => {
    const moves = blocking.filter((v) => v.policy === "migration-moves-own-mail").map((v) => v.message);
    expect(moves).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/copies source imapc_user "mmueller@[^"]+" = Exchange mailbox maria\.mueller@.* into target login "jschmidt"/),
      ]),
    );
    expect(blocking.some((v) => v.policy === "source-belongs-to-owner")).toBe(true);
  });
});
