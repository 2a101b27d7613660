// `oxmig lock`: writes the lock, `--check` fails on a stale one naming the changes (like `npm ci`
// with a stale lockfile) and passes on a fresh one.
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import type { Inventory } from "@oxmig/core/model";
import { personLabel } from "@oxmig/core/source-ownership";
import { readInventory } from "../../io/inventory";
import { copyStaging, PlanText, STAGING } from "./support/inventory-mistakes";
import { captureOutput } from "../support/capture-output";

let dir: string;

const out = captureOutput();

beforeEach(() => {
  dir = copyStaging("oxmig-lock-");
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

let inventory: Inventory | undefined;
const staging = () => (inventory ??= readInventory(STAGING));
/** A person as every lock message names them: display name, address, uid, organisation, id. */
const person = (uid: string) => personLabel(staging().people.find((p) => p.uid === uid)!);

const lock = (...args: string[]) => main(["node", "oxmig", "lock", "--stack", "staging", "--inventory", dir, ...args]);
const lockFile = () => path.join(dir, "bindings.lock.yaml");

describe("oxmig lock", () => {
  it("--check passes on the committed staging lock", async () => {
    expect(await lock("--check")).toBe(0);
    expect(out.stdout).toMatch(/bindings\.lock\.yaml is up to date \(306 mailboxes\)/);
  });

  it("--check fails without a lock and writes nothing", async () => {
    fs.rmSync(lockFile());
    expect(await lock("--check")).toBe(1);
    expect(out.stderr).toContain("does not exist; run `npx oxmig lock --stack staging`");
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it("--check fails on a stale lock after two owners were swapped, naming each source as re-bound from one person to the other", async () => {
    const before = fs.readFileSync(lockFile(), "utf8");
    const plan = new PlanText(path.join(dir, "plan.yaml"));
    plan.swapOwners(plan.findOwnerRow("jschmidt"), plan.findOwnerRow("jweiss"));
    plan.save();
    expect(await lock("--check")).toBe(1);
    expect(out.stderr).toMatch(/is out of date \(2 mailbox changes\)/);
    const [jan, juergen] = [person("jschmidt"), person("jweiss")];
    expect(out.stderr).toContain(
      `  re-bound jan.schmidt@fa-luebeck.example: ${jan} → ${juergen}\n    the exports say: jan.schmidt@fa-luebeck.example is the Exchange mailbox of ${jan}\n`,
    );
    expect(out.stderr).toContain(`  re-bound juergen.weiss@fa-luebeck.example: ${juergen} → ${jan}\n`);
    expect(out.stderr).not.toMatch(/removed|added/);
    expect(fs.readFileSync(lockFile(), "utf8")).toBe(before);
  });

  it("reports the homonym trap (the two Maria Müllers swapped) as two re-bindings naming both people, never as removed + added", async () => {
    const plan = new PlanText(path.join(dir, "plan.yaml"));
    plan.swapOwners(plan.findOwnerRow("mmueller"), plan.findOwnerRow("mmueller2"));
    plan.save();
    expect(await lock()).toBe(0);
    const [luebeck, im] = [person("mmueller"), person("mmueller2")];
    expect(luebeck).toMatch(/^Maria Müller <maria\.mueller@fa-luebeck\.example> \(mmueller, fa-luebeck, id [0-9a-f-]{36}\)$/);
    expect(out.stdout).toMatch(/: 306 mailboxes, 2 changes, 0 phase steps\n/);
    expect(out.stdout).toContain(
      `  re-bound maria.mueller@fa-luebeck.example: ${luebeck} → ${im}\n    the exports say: maria.mueller@fa-luebeck.example is the Exchange mailbox of ${luebeck}\n`,
    );
    expect(out.stdout).toContain(`  re-bound maria.mueller@im.example: ${im} → ${luebeck}\n`);
    expect(out.stdout).not.toMatch(/removed|added/);
    expect(await lock("--check")).toBe(0);
  });

  it("refuses (exit 2, nothing written) a plan that names one person owner of two sources: the lock would hold one id twice", async () => {
    const before = fs.readFileSync(lockFile(), "utf8");
    const plan = new PlanText(path.join(dir, "plan.yaml"));
    // Rows are 0-based: the owner: lines are at row + 1.
    const [row, own] = [plan.findOwnerRow("mmueller"), plan.findOwnerRow("mmueller2")];
    plan.setOwner(row, "mmueller2");
    plan.save();
    for (const args of [[], ["--check"]]) {
      out.stderr = "";
      expect(await lock(...args)).toBe(2);
      const [luebeck, im] = [person("mmueller"), person("mmueller2")];
      expect(out.stderr).toContain(`plan.yaml: line ${row + 1}: 2 entries bind ${im}: `);
      expect(out.stderr).toContain(
        `: line ${row + 1} (owner of source maria.mueller@fa-luebeck.example, the Exchange mailbox of ${luebeck}, locked to ${luebeck}) and `,
      );
      expect(out.stderr).toContain(` and line ${own + 1} (owner of source maria.mueller@im.example, the Exchange mailbox of ${im}). `);
      expect(out.stderr).toContain(`One mailbox id (${staging().people.find((p) => p.uid === "mmueller2")!.immutableId}) is one home and one key`);
    }
    expect(fs.readFileSync(lockFile(), "utf8")).toBe(before);
  });

  it("exits 2 on a lock file that holds one mailbox id twice, naming the file, the id and both entries", async () => {
    const text = fs.readFileSync(lockFile(), "utf8");
    const first = text.indexOf("\n  - mailbox: ");
    const second = text.indexOf("\n  - mailbox: ", first + 1);
    const [id] = /[0-9a-f-]{36}/.exec(text.slice(first))!;
    const [other] = /[0-9a-f-]{36}/.exec(text.slice(second))!;
    fs.writeFileSync(lockFile(), text.slice(0, second) + text.slice(second).replace(other, id));
    expect(await lock("--check")).toBe(2);
    expect(out.stderr).toMatch(
      new RegExp(
        `bindings\\.lock\\.yaml: line \\d+: mailbox id ${id} appears in 2 entries: mailboxes\\[0\\] \\(line \\d+: source \\S+, owner \\w+\\) and mailboxes\\[1\\] \\(line \\d+: source \\S+, owner \\w+\\)`,
      ),
    );
  });

  it("counts one change in the singular", async () => {
    const plan = new PlanText(path.join(dir, "plan.yaml"));
    plan.addAlias(plan.findOwnerRow("jschmidt"), "jan.s@fa-luebeck.example");
    plan.save();
    expect(await lock("--check")).toBe(1);
    expect(out.stderr).toContain("is out of date (1 mailbox change):\n");
    expect(out.stderr).toContain(
      `  changed jan.schmidt@fa-luebeck.example → ${person("jschmidt")}\n    addresses: ["jan.schmidt@fa-luebeck.example"] → ["jan.schmidt@fa-luebeck.example","jan.s@fa-luebeck.example"]`,
    );
    expect(await lock()).toBe(0);
    expect(out.stdout).toMatch(/: 306 mailboxes, 1 change, 0 phase steps\n/);
  });

  it("--check fails when only a wave's phase changed", async () => {
    const file = path.join(dir, "plan.yaml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("    phase: copying", "    phase: cut-over"));
    expect(await lock("--check")).toBe(1);
    expect(out.stderr).toContain("0 mailbox changes, wave phases changed");
    expect(out.stderr).toContain(`  phase of maria.mueller@fa-luebeck.example → ${person("mmueller")}: copying → cut-over\n`);
  });

  it("writes the changes, after which --check passes", async () => {
    const plan = new PlanText(path.join(dir, "plan.yaml"));
    plan.swapOwners(plan.findOwnerRow("jschmidt"), plan.findOwnerRow("jweiss"));
    plan.save();
    expect(await lock()).toBe(0);
    expect(out.stdout).toMatch(/wrote .*bindings\.lock\.yaml: 306 mailboxes, 2 changes, 0 phase steps\n {2}re-bound /);
    const text = fs.readFileSync(lockFile(), "utf8");
    expect(text).toMatch(/^# Binding lock of stack "staging"/);
    expect(text).not.toMatch(/password|result/i);
    expect(await lock("--check")).toBe(0);
  });

  it("refuses to record a wave moved back to copying without phaseRollback (exit 2, nothing written)", async () => {
    const file = path.join(dir, "plan.yaml");
    const original = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, original.replace("    phase: copying", "    phase: cut-over"));
    expect(await lock()).toBe(0);
    const cutOver = fs.readFileSync(lockFile(), "utf8");
    fs.writeFileSync(file, original);
    expect(await lock()).toBe(2);
    expect(out.stderr).toMatch(
      /plan\.yaml: line \d+ \(wave w01-fa-luebeck\): phase copying is behind the locked phase cut-over; moving a wave back needs `phaseRollback/,
    );
    expect(fs.readFileSync(lockFile(), "utf8")).toBe(cutOver);
    fs.writeFileSync(file, original.replace("    phase: copying", '    phase: copying\n    phaseRollback: "routing switched back after a failed cut-over"'));
    expect(await lock()).toBe(0);
  });

  it("--check names a containment the plan added without a relock, people-first; an empty reason exits 2 at its line", async () => {
    const plan = new PlanText(path.join(dir, "plan.yaml"));
    const row = plan.findOwnerRow("jschmidt");
    plan.lines.splice(row + 1, 0, '        contain: "INC-2026-0042: holds foreign mail"');
    plan.save();
    expect(await lock("--check")).toBe(1);
    expect(out.stderr).toContain(`  contained jan.schmidt@fa-luebeck.example — ${person("jschmidt")}: INC-2026-0042: holds foreign mail\n`);
    const locked = fs.readFileSync(lockFile(), "utf8");
    plan.lines[row + 1] = '        contain: ""';
    plan.save();
    expect(await lock()).toBe(2);
    expect(out.stderr).toMatch(
      new RegExp(`plan\\.yaml: line ${row + 2}: waves\\[0\\]\\.mailboxes\\[1\\]\\.contain: contain must give a reason, the incident reference`),
    );
    expect(fs.readFileSync(lockFile(), "utf8")).toBe(locked);
  });

  it("exits 2 on a lock that is not a lock", async () => {
    fs.writeFileSync(lockFile(), "lockVersion: 7\n");
    expect(await lock("--check")).toBe(2);
    expect(out.stderr).toContain("bindings.lock.yaml");
  });
});
