import type { ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { TYPES } from "@oxmig/core/contract";
import { declaredResourceTypes } from "@oxmig/core/engine-hints";
import { resourcesValidation, resourceValidation, stackValidation } from "../../../policies/support/rule";
import { buildResources } from "../../fixtures/policies/plan";
import { config, resourceArgs, stackArgs, type Violation } from "../helpers";

const collect = () => {
  const violations: Violation[] = [];
  const report = (message: string, urn?: string) => void violations.push({ message, ...(urn ? { urn } : {}) });
  return { violations, report };
};
const key = () => buildResources().find((r) => r.type === TYPES.key)!;

describe("rule wrappers", () => {
  it("a resource rule runs on types it does not read, or loads the config for them", async () => {
    const { violations, report } = collect();
    const seen: string[] = [];
    const validate = resourceValidation([TYPES.oxUser], (_ctx, r) => void seen.push(r.type));
    await validate(resourceArgs(key(), { broken: true }) as ResourceValidationArgs, report);
    expect(violations).toEqual([]);
    const user = buildResources().find((r) => r.type === TYPES.oxUser)!;
    await validate(resourceArgs(user, config()) as ResourceValidationArgs, report);
    expect(seen).toEqual([TYPES.oxUser]);
    expect(violations).toEqual([]);
  });
  it("a bad config lets a resource rule pass or crash", async () => {
    const { violations, report } = collect();
    let ran = false;
    await resourceValidation([TYPES.key], () => void (ran = true))(resourceArgs(key(), { stackKind: "prod" }), report);
    expect(ran).toBe(false);
    expect(violations).toHaveLength(1);
    expect(violations[0]!.message).toMatch(/^policy pack cannot check bindings: invalid policy pack config: directory: /);
  });
  it("a rule that throws crashes the analyzer instead of rejecting the plan", async () => {
    const { violations, report } = collect();
    await resourceValidation([TYPES.key], () => {
      throw new Error("boom");
    })(resourceArgs(key(), config()), report);
    expect(violations).toEqual([{ message: "rule could not finish, so the plan is rejected: boom" }]);
  });
  it("a stack rule passes on a bad config or crashes on a throwing check", async () => {
    const bad = collect();
    await stackValidation(() => expect.fail("must not run"))(stackArgs(buildResources(), {}) as StackValidationArgs, bad.report);
    expect(bad.violations.map((v) => v.message)).toEqual([expect.stringMatching(/^policy pack cannot check bindings: invalid policy pack config: /)]);
    const thrown = collect();
    await stackValidation(() => {
      throw new Error("kaputt");
    })(stackArgs(buildResources(), config()), thrown.report);
    expect(thrown.violations).toEqual([{ message: "rule could not finish, so the plan is rejected: kaputt" }]);
  });
  it("a stack rule sees the resources of another stack", async () => {
    const { report } = collect();
    let users = -1;
    await stackValidation((_ctx, stack) => void (users = stack.users.length))(stackArgs(buildResources(), config()), report);
    expect(users).toBe(5);
  });
  it("a resource rule does not tell the engine which types it reads, or touches the SDK's own type tag", () => {
    const one = resourceValidation([TYPES.oxUser], () => undefined);
    expect(declaredResourceTypes(one)).toEqual([TYPES.oxUser]);
    expect(declaredResourceTypes(resourceValidation([TYPES.oxUser, TYPES.key], () => undefined))).toEqual([TYPES.oxUser, TYPES.key]);
    // No SDK internals in the pack: the SDK's filter tag is the engine's to set (engine/sdk-hooks.ts).
    expect(one).not.toHaveProperty("__pulumiType");
  });
  it("a raw-resources rule passes on a bad config, crashes on a throwing check, or sees other resources", async () => {
    const bad = collect();
    await resourcesValidation(() => expect.fail("must not run"))(stackArgs(buildResources(), {}) as StackValidationArgs, bad.report);
    expect(bad.violations.map((v) => v.message)).toEqual([expect.stringMatching(/^policy pack cannot check bindings: invalid policy pack config: /)]);
    const thrown = collect();
    await resourcesValidation(() => {
      throw new Error("kaputt");
    })(stackArgs(buildResources(), config()), thrown.report);
    expect(thrown.violations).toEqual([{ message: "rule could not finish, so the plan is rejected: kaputt" }]);
    const names: string[] = [];
    await resourcesValidation((_ctx, resources) => void names.push(...resources.map((r) => r.name)))(stackArgs(buildResources(), config()), thrown.report);
    expect(names).toEqual(buildResources().map((r) => r.name));
  });
});
