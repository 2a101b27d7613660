// The fixture plan with fixed OX context ids, as plan.yaml `contexts:` gives them, for user-in-its-context.
import { TYPES } from "@oxmig/core/contract";
import { buildResources, type ResourceRecord } from "../fixtures/policies/plan";

export const IDS_OF: Record<string, number> = { luebeck: 101, kiel: 102 };

/** The fixture with its fixed context id on each context and its users. */
export function planWithIds(): ResourceRecord[] {
  const plan = buildResources();
  for (const r of plan) {
    if (r.type === TYPES.oxContext) r.props.contextId = IDS_OF[r.props.name as string];
    if (r.type === TYPES.oxUser) r.props.contextId = IDS_OF[r.props.contextName as string];
  }
  return plan;
}

export const urnOf = (r: ResourceRecord) => `urn:pulumi:test::oxmig::${r.type}::${r.name}`;
