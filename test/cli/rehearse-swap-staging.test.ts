// The gate's mistake reaching the rehearsal, as a new user would make it: two owners swapped in one wave
// of a copy of inventory/staging, the lock regenerated (`oxmig lock`, so the lock agrees with the
// mistake), then `oxmig rehearse --wave <that wave>`. The rehearsal judges each target's mail by the
// exports (rehearsal/verification/types.ts expectedFromEvidence), not by the plan: it must fail and name both
// mailboxes and both people.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockCommand } from "../../cli/commands/lock";
import { rehearseCommand } from "../../cli/commands/rehearse";
import { resolveBindings } from "@oxmig/core/bindings";
import type { Binding } from "@oxmig/core/model";
import { readInventory } from "../../io/inventory";
import { silenced } from "../support/capture-output";
import { settleDovecots } from "../rehearsal/dovecot-guard";
import { capture } from "../rehearsal/stack-fixture";
import { copyStaging, PlanText, ROOT } from "./support/inventory-mistakes";

const WAVE = "w03-fa-kiel";
let dir: string;
let swapped: [Binding, Binding];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

beforeAll(() => {
  dir = copyStaging("oxmig-swap-staging-");
  const before = resolveBindings(readInventory(dir), { waves: [WAVE] }).filter((b) => b.kind === "personal");
  swapped = [before[0]!, before[1]!];
  const plan = new PlanText(path.join(dir, "plan.yaml"));
  const [rowA, rowB] = plan.ownerRows(WAVE) as [number, number];
  plan.swapOwners(rowA, rowB);
  plan.save();
  expect(silenced(() => lockCommand({ stack: "staging", inventory: dir, root: ROOT }))).toBe(0);
  // A project whose staging stack reads this copy.
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), "config:\n  oxmig:inventory: .\n");
});

afterAll(() => settleDovecots(undefined, () => (dir ? [dir] : [])));

describe("a swap of two owners that reaches the rehearsal", () => {
  it("the lock was regenerated with the swap, so only the evidence can catch it", () => {
    const lock = fs.readFileSync(path.join(dir, "bindings.lock.yaml"), "utf8");
    const original = fs.readFileSync(path.join(ROOT, "inventory", "staging", "bindings.lock.yaml"), "utf8");
    expect(lock).not.toEqual(original);
  });

  it("fails the rehearsal of that wave, naming both mailboxes and whose mail each holds", { timeout: 90_000 }, async () => {
    const [stdout, stderr] = [capture(), capture()];
    const code = await rehearseCommand({ stack: "staging", cwd: dir, wave: [WAVE], messages: 2, stdout, stderr });
    const out = stdout.text();
    expect(code).toBe(1);
    const [a, b] = swapped.map((x) => x.owner!) as [NonNullable<Binding["owner"]>, NonNullable<Binding["owner"]>];
    const [addressA, addressB] = swapped.map((x) => x.primaryAddress.display) as [string, string];
    // Each person's mailbox (name, address, uid) holds the other person's mail, by name.
    expect(out).toMatch(
      new RegExp(
        `mailbox of ${escape(a.displayName)} <${escape(addressA)}> \\(${a.uid},[^\\n]*holds foreign mail: 2 message\\(s\\) of ${escape(b.displayName)} <${escape(addressB)}>`,
      ),
    );
    expect(out).toMatch(
      new RegExp(
        `mailbox of ${escape(b.displayName)} <${escape(addressB)}> \\(${b.uid},[^\\n]*holds foreign mail: 2 message\\(s\\) of ${escape(a.displayName)} <${escape(addressA)}>`,
      ),
    );
    expect(out).toMatch(/FAILED: \d+ failure/);
  });
});
