// Shared, room and equipment mailboxes end to end: their organisation and their delegates, through the
// real program under mocks and the real pack. Plan edits are approved with `oxmig lock` first, so the
// lock rule cannot be what rejects them; the declared ACL is edited the way only infra/ could.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silenced } from "../support/capture-output";
import { lockCommand } from "../../cli/commands/lock";
import { runGate } from "../../gate/run-gate";
import { K8S } from "@oxmig/core/contract";
import type { DeclaredResource, GateViolation } from "../../engine/types";
import { isBlocking } from "../../engine/violations";
import { copyStaging, PlanText, ROOT } from "./support/inventory-mistakes";
import { gateAltered } from "./support/altered-gate";

const ORGANISATION_RULE = "functional-mailbox-organisation";
const DELEGATION_RULE = "delegation-within-organisation";

function replaceLine(plan: PlanText, from: string, to: string): void {
  const rows = plan.lines.flatMap((l, i) => (l.trim() === from ? [i] : []));
  if (rows.length !== 1) throw new Error(`"${from}" occurs ${rows.length} times in ${plan.file}`);
  plan.lines[rows[0]!] = plan.lines[rows[0]!]!.replace(from, to);
}

/** Moves a mailbox entry (its source line and the line after it) to the top of another wave. */
function moveMailbox(plan: PlanText, source: string, wave: string): void {
  const at = plan.lines.findIndex((l) => l.trim() === `- source: ${source}`);
  const moved = plan.lines.splice(at, 2);
  const start = plan.lines.findIndex((l) => l.trim() === `- name: ${wave}`);
  const mailboxes = plan.lines.findIndex((l, i) => i > start && l.trim() === "mailboxes:");
  plan.lines.splice(mailboxes + 1, 0, ...moved);
}

/** Appends a line to the grant script of `acl-<context>`, as an edit of infra/ would. */
function addGrant(resources: DeclaredResource[], context: string, line: string): DeclaredResource[] {
  return resources.map((r) => {
    if (r.name !== `acl-${context}`) return r;
    const data = { ...(r.inputs["data"] as Record<string, string>) };
    data[K8S.aclScriptKey] = `${data[K8S.aclScriptKey]}${line}\n`;
    return { ...r, inputs: { ...r.inputs, data }, outputs: { ...r.outputs, data } };
  });
}

function relock(dir: string): void {
  expect(silenced(() => lockCommand({ stack: "staging", inventory: dir, root: ROOT }))).toBe(0);
}

const blocking = (vs: readonly GateViolation[], policy: string, mailbox: string, identity: string) =>
  vs
    .filter((v) => isBlocking(v) && v.policy === policy && v.mailbox === mailbox && v.identity === identity)
    .map((v) => v.message)
    .join("\n");

describe("shared, room and equipment mailboxes through the gate", () => {
  const dirs: string[] = [];
  let mistakes: readonly GateViolation[];

  beforeAll(async () => {
    const dir = copyStaging("oxmig-shared-");
    dirs.push(dir);
    const plan = new PlanText(path.join(dir, "plan.yaml"));
    replaceLine(plan, "shared: { delegates: [mroessler] }", "shared: { delegates: [mroessler, ggross] }"); // ggross: disabled
    replaceLine(plan, "shared: { delegates: [skoehler2] }", "shared: { delegates: [skoehler2, jschmidt] }"); // jschmidt: fa-luebeck
    moveMailbox(plan, "poststelle@im.example", "w01-fa-luebeck");
    plan.save();
    relock(dir);
    const transform = (rs: DeclaredResource[]) =>
      addGrant(
        addGrant(rs, "lkn", "doveadm acl set -u 'shared-poststelle-lkn' INBOX 'anyone' lookup read"),
        "stk",
        "doveadm acl set -u 'shared-poststelle-stk' INBOX 'user=hmeyerluedenscheid' lookup read",
      );
    mistakes = (await gateAltered("staging", { root: ROOT, inventoryDir: dir }, transform)).result.violations;
  }, 180_000);

  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("the lock was regenerated, so the lock rule does not reject anything", () => {
    expect(mistakes.filter((v) => isBlocking(v) && v.policy === "bindings-match-lock")).toEqual([]);
  });

  it("the ministry's poststelle@ moved into a tax office's wave and context is rejected by its organisation", () => {
    expect(blocking(mistakes, ORGANISATION_RULE, "poststelle@im.example", "shared-poststelle-im")).toMatch(
      /context "fa-luebeck" does not serve organisation im .*primary address domain im\.example/,
    );
    expect(blocking(mistakes, DELEGATION_RULE, "poststelle@im.example", "hmeyerluedenscheid")).toContain(
      "is not the personal mailbox of one person declared in context fa-luebeck",
    );
  });

  it("a delegate who is disabled in the directory is rejected", () => {
    expect(blocking(mistakes, DELEGATION_RULE, "poststelle@fa-kiel.example", "ggross")).toMatch(/directory uid ggross .*ou fa-kiel.*disabled/);
  });

  it("a delegate from another organisation is rejected", () => {
    expect(blocking(mistakes, DELEGATION_RULE, "poststelle@fa-ploen.example", "jschmidt")).toMatch(/directory uid jschmidt .*ou fa-luebeck/);
  });

  it("a declared ACL edited to grant anyone, or another organisation's login, is rejected", () => {
    expect(blocking(mistakes, DELEGATION_RULE, "poststelle@lkn.example", "anyone")).toContain(`grants to "anyone"`);
    expect(blocking(mistakes, DELEGATION_RULE, "poststelle@stk.example", "hmeyerluedenscheid")).toContain("ou im");
  });

  it("the bundled staging inventory passes, and each context declares its delegates as doveadm ACL grants", async () => {
    const run = await runGate("staging", { root: ROOT });
    const scripts = new Map<string, string>();
    for (const r of run.declared) if (r.name.startsWith("acl-")) scripts.set(r.name, (r.inputs["data"] as Record<string, string>)[K8S.aclScriptKey]!);
    expect(run.result.violations.filter(isBlocking)).toEqual([]);
    expect([...scripts.keys()].sort()).toEqual(["acl-fa-kiel", "acl-fa-luebeck", "acl-fa-ploen", "acl-im", "acl-lkn", "acl-stk"]);
    expect(scripts.get("acl-fa-luebeck")).toContain("doveadm acl set -u 'shared-poststelle-fa-luebeck' INBOX 'user=mmueller' lookup read");
  }, 180_000);

  it("a delegate of the same organisation, spelt in capitals, passes after `oxmig lock`", async () => {
    const dir = copyStaging("oxmig-shared-ok-");
    dirs.push(dir);
    const plan = new PlanText(path.join(dir, "plan.yaml"));
    replaceLine(plan, "shared: { delegates: [mmueller, jschmidt] }", "shared: { delegates: [MMueller, jschmidt, jweiss] }");
    plan.save();
    relock(dir);
    const run = await runGate("staging", { root: ROOT, inventoryDir: dir });
    expect(run.result.violations.filter(isBlocking)).toEqual([]);
  }, 180_000);
});
