// The other half of issue 16's promise: changes a real administration makes every week still pass
// after `oxmig lock`, with the new rules that read what Dovecot, doveadm and OX will do in place.
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockCommand } from "../../cli/commands/lock";
import { runGate } from "../../gate/run-gate";
import { parseLock } from "@oxmig/core/lock";
import type { GateViolation } from "../../engine/types";
import { isBlocking } from "../../engine/violations";
import { silenced } from "../support/capture-output";
import { copyStaging, PlanText, ROOT } from "./support/inventory-mistakes";

const JAN = "9474e278-8ea9-4136-a361-dda60bec50e8";

function edit(file: string, change: (text: string) => string): void {
  const text = fs.readFileSync(file, "utf8");
  const changed = change(text);
  if (changed === text) throw new Error(`edit changed nothing in ${file}`);
  fs.writeFileSync(file, changed);
}

describe("legitimate changes pass after oxmig lock", () => {
  let dir: string;
  let blocking: GateViolation[];

  beforeAll(async () => {
    dir = copyStaging("oxmig-legitimate-");
    // Jan's wave has been migrated: the lock records it at cut-over before anything is renamed.
    edit(path.join(dir, "plan.yaml"), (t) => t.replace(/(- name: w01-fa-luebeck\n {4}context: fa-luebeck\n {4}phase: )copying/, "$1cut-over"));
    expect(silenced(() => lockCommand({ stack: "staging", inventory: dir, root: ROOT }))).toBe(0);
    // uid rename of a migrated mailbox (Jan Schmidt becomes jpetersen): same person, same immutable id, new login.
    edit(path.join(dir, "directory.ldif"), (t) => t.replace("dn: uid=jschmidt,", "dn: uid=jpetersen,").replace("\nuid: jschmidt\n", "\nuid: jpetersen\n"));
    edit(path.join(dir, "plan.yaml"), (t) => t.replace(/\bjschmidt\b(?!2)/g, "jpetersen"));
    // The owner's own alias, as the directory lists it, written into the plan as well.
    const plan = new PlanText(path.join(dir, "plan.yaml"));
    plan.addAlias(plan.findOwnerRow("jschmidt2"), "J.Schmidt@im.example");
    plan.save();
    // exchange.csv re-exported with its columns in another order.
    const csvFile = path.join(dir, "exchange.csv");
    const rows = parse(fs.readFileSync(csvFile, "utf8"), { bom: true }) as string[][];
    const order = rows[0]!.map((_, i) => i).reverse();
    fs.writeFileSync(
      csvFile,
      `\ufeff${stringify(
        rows.map((r) => order.map((i) => r[i]!)),
        { quoted: true },
      )}`,
    );
    expect(silenced(() => lockCommand({ stack: "staging", inventory: dir, root: ROOT }))).toBe(0);
    blocking = (await runGate("staging", { root: ROOT, inventoryDir: dir })).result.violations.filter(isBlocking);
  }, 120_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("no mandatory finding from any rule", () => {
    expect(blocking.map((v) => `${v.policy}: ${v.message}`)).toEqual([]);
  });

  it("the renamed person keeps mailbox id, home and key; only the login changes", () => {
    const lock = parseLock(fs.readFileSync(path.join(dir, "bindings.lock.yaml"), "utf8"), "lock");
    const jan = lock.mailboxes.find((e) => e.mailbox === JAN)!;
    expect(jan.login).toBe("jpetersen");
    expect(jan.phase).toBe("cut-over");
    expect(jan.key).toEqual({ name: `key-${JAN}`, keeper: JAN });
    expect(jan.home).toContain(JAN);
  });
});
