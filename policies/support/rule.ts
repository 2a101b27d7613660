// Wrappers every rule uses: load the pack context (fail closed on bad config or exports), pick
// the resource types a rule reads, and turn any unexpected error into a violation, not a crash.
import type { ReportViolation, ResourceValidation, ResourceValidationArgs, StackValidation } from "@pulumi/policy";
import { declareResourceTypes } from "@oxmig/core/engine-hints";
import { loadPolicyContext, type PolicyContext } from "../config";
import { plainMessage } from "./report";
import type { ResourceLike } from "./resources";
import { stackView, type StackView } from "./stack";

function contextOrReport(config: unknown, report: ReportViolation): PolicyContext | undefined {
  try {
    return loadPolicyContext(config);
  } catch (err) {
    report(plainMessage(`policy pack cannot check bindings: ${(err as Error).message}`));
    return undefined;
  }
}

function failClosed(run: () => void, report: ReportViolation, urn?: string): void {
  try {
    run();
  } catch (err) {
    report(plainMessage(`rule could not finish, so the plan is rejected: ${(err as Error).message}`), urn);
  }
}

export type ResourceCheck = (ctx: PolicyContext, resource: ResourceLike, report: ReportViolation) => void;

/** A resource validation that runs `check` on resources of the given types only. */
export function resourceValidation(types: readonly string[], check: ResourceCheck): ResourceValidation {
  const validate = (args: ResourceValidationArgs, report: ReportViolation) => {
    if (!types.includes(args.type)) return;
    const ctx = contextOrReport(args.getConfig(), report);
    if (ctx) failClosed(() => check(ctx, args as ResourceLike, report), report);
  };
  // The gate's engine may let the SDK skip other types before it decodes their properties (the
  // largest cost of a large analysis); under the CLI this is a no-op and the check above filters.
  return declareResourceTypes(validate, types);
}

export type StackCheck = (ctx: PolicyContext, stack: StackView, report: ReportViolation) => void;

export function stackValidation(check: StackCheck): StackValidation {
  return (args, report) => {
    const ctx = contextOrReport(args.getConfig(), report);
    if (ctx) failClosed(() => check(ctx, stackView(args.resources as readonly ResourceLike[]), report), report);
  };
}

export type ResourcesCheck = (ctx: PolicyContext, resources: readonly ResourceLike[], report: ReportViolation) => void;

/** A stack validation over the raw resources, for rules that read resources the stack view does not hold. */
export function resourcesValidation(check: ResourcesCheck): StackValidation {
  return (args, report) => {
    const ctx = contextOrReport(args.getConfig(), report);
    if (ctx) failClosed(() => check(ctx, args.resources as readonly ResourceLike[], report), report);
  };
}
