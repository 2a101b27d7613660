// prod-protection: in a prod stack every key and OX user is declared with protect: true, and no key is dropped on delete;
// with the exact messages and edge branches.
import type { ResourceValidationArgs } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { prodProtection } from "../../policies/rules/prod-protection";
import { buildResources, IDS } from "../fixtures/policies/plan";
import { config, expectNone, expectViolation, oxUser, record, resourceArgs, run, UNKNOWN_STRING, type Violation } from "./helpers";

const prod = config({ stackKind: "prod" });

/** Runs prod-protection on one resource whose options carry retainOnDelete (the test harness omits it). */
async function withRetain(r: ReturnType<typeof record>, retainOnDelete: unknown, cfg = prod): Promise<string[]> {
  const args = resourceArgs(r, cfg);
  const violations: Violation[] = [];
  const validate = prodProtection.validateResource as (a: ResourceValidationArgs, report: (m: string) => void) => void;
  await validate({ ...args, opts: { ...args.opts, retainOnDelete } } as ResourceValidationArgs, (message) => void violations.push({ message }));
  return violations.map((v) => v.message);
}

describe("prod-protection", () => {
  it("accepts protected keys and users in prod", async () => {
    expectNone(await run(prodProtection, buildResources(), prod));
  });
  it("rejects an unprotected key in prod", async () => {
    const plan = buildResources();
    record(plan, `key-${IDS.maria}`).protect = false;
    expectViolation(await run(prodProtection, plan, prod), `key key-${IDS.maria} must be declared with protect: true`);
  });
  it("rejects an unprotected OX user in prod but not in staging", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.raum).protect = false;
    expectViolation(await run(prodProtection, plan, prod), "mailbox raum-101@fa-kiel.example", "protect: true");
    expectNone(await run(prodProtection, plan, config({ stackKind: "staging" })));
  });
  it("an unprotected key reported under another mailbox", async () => {
    const plan = buildResources();
    record(plan, `key-${IDS.maria}`).protect = false;
    expect((await run(prodProtection, plan, prod)).map((v) => v.message)).toEqual([
      `mailbox ${IDS.maria}: key key-${IDS.maria} must be declared with protect: true in a prod stack`,
    ]);
  });
  it("an unprotected key without a known keeper named by nothing", async () => {
    const plan = buildResources();
    const key = record(plan, `key-${IDS.jan}`);
    key.protect = false;
    key.props.keepers.mailboxId = UNKNOWN_STRING;
    expect((await run(prodProtection, [key], prod)).map((v) => v.message)).toEqual([
      `mailbox ${IDS.jan}: key key-${IDS.jan} must be declared with protect: true in a prod stack`,
    ]);
  });
  it("an unprotected OX user message names the wrong resource", async () => {
    const plan = buildResources();
    oxUser(plan, IDS.jan).protect = false;
    expect((await run(prodProtection, plan, prod)).map((v) => v.message)).toEqual([
      `mailbox jan.schmidt@fa-luebeck.example (owner jschmidt): OX user oxuser-${IDS.jan} must be declared with protect: true in a prod stack`,
    ]);
  });
  it("unprotected keys and users rejected in staging", async () => {
    expect(await run(prodProtection, buildResources(undefined, { protect: false }), config())).toEqual([]);
  });
  it("a key dropped on delete accepted, in prod or staging", async () => {
    const key = record(buildResources(), `key-${IDS.petra}`);
    const text = `mailbox ${IDS.petra}: key key-${IDS.petra} must be declared with retainOnDelete: true`;
    expect(await withRetain(key, false)).toEqual([text]);
    expect(await withRetain(key, false, config())).toEqual([text]);
    expect(await withRetain(key, true)).toEqual([]);
    expect(await withRetain(key, undefined)).toEqual([]);
  });
  it("other resource types checked for protection", async () => {
    const others = buildResources(undefined, { protect: false }).filter((r) => !r.name.startsWith("key-") && !r.name.startsWith("oxuser-"));
    expect(await run(prodProtection, others, prod)).toEqual([]);
  });
});
