import { describe, expect, it } from "vitest";
import { buildResources } from "../fixtures/policies/plan";
import { config, expectNone, expectViolation, lockEntries, run, writeLock } from "./helpers";
import { MANDATORY } from "./mandatory";

describe("the whole pack on the correct plan", () => {
  const lock = writeLock(lockEntries());
  it.each(MANDATORY.map((p) => [p.name, p] as const))("%s accepts the correct prod plan with secrets", async (_name, policy) => {
    expectNone(await run(policy, buildResources(), config({ stackKind: "prod", lock, productionDomains: ["prod-mail.example"] })));
  });
  it.each(MANDATORY.map((p) => [p.name, p] as const))("%s accepts the correct staging preview (no secrets yet)", async (_name, policy) => {
    expectNone(await run(policy, buildResources(undefined, { withSecrets: false, protect: false }), config({ lock })));
  });
  it.each(MANDATORY.map((p) => [p.name, p] as const))("%s fails closed on a config without the exports", async (_name, policy) => {
    const violations = await run(policy, buildResources(), { stackKind: "prod" });
    expectViolation(violations, "invalid policy pack config", "directory");
  });
  it.each(MANDATORY.map((p) => [p.name, p] as const))("%s fails closed when the directory export cannot be read", async (_name, policy) => {
    const violations = await run(policy, buildResources(), config({ directory: "/nonexistent/directory.ldif" }));
    expectViolation(violations, "cannot read /nonexistent/directory.ldif");
  });
  it("every mandatory policy is mandatory, kebab-case and described as a check", () => {
    for (const p of MANDATORY) {
      expect(p.enforcementLevel).toBe("mandatory");
      expect(p.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(p.description).toMatch(/^Checks whether .*\.$/);
    }
  });
});
