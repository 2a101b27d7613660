// OX creates a user in the context with the id it is given; the context name is only a label. A user
// whose contextId is another context's id lands in that other organisation's context. So each user's
// contextId must be the id of the declared OX Context it names, and context ids must be unique.
import type { ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { TYPES } from "@oxmig/core/contract";
import { configSchema } from "../config";
import { unknownAmong } from "../support/identity";
import { plainMessage, unknownText, userMessage } from "../support/report";
import { oxUserView, type OxUserView, type ResourceLike } from "../support/resources";
import { resourcesValidation } from "../support/rule";
import { groupBy } from "../support/stack";
import { isUnknown, rawProps } from "../support/unknowns";

interface ContextView {
  readonly urn: string;
  readonly resourceName: string;
  readonly name?: string;
  /** The fixed id (input) or the id OX assigned (output), when known. */
  readonly id?: number;
}

function contextView(r: ResourceLike): ContextView {
  const props = rawProps(r.props);
  const name = typeof props.name === "string" && !isUnknown(props.name) ? props.name : undefined;
  const id = typeof props.contextId === "number" ? props.contextId : undefined;
  // Stryker disable next-line ConditionalExpression: equivalent, an absent key and a key holding undefined read the same here
  return { urn: r.urn, resourceName: r.name, ...(name !== undefined ? { name } : {}), ...(id !== undefined ? { id } : {}) };
}

/** URNs the user's `contextId` input was computed from (preview: the only link to a context id not yet assigned). */
function contextIdSources(r: ResourceLike): string[] {
  // Stryker disable next-line ArrayDeclaration: equivalent, a filler entry has no urn and is dropped below
  const deps = (r as { propertyDependencies?: Record<string, readonly { urn?: string }[] | undefined> }).propertyDependencies?.contextId ?? [];
  // Stryker disable next-line ConditionalExpression: equivalent, a non-string urn never equals a context URN
  return deps.flatMap((d) => (typeof d?.urn === "string" ? [d.urn] : []));
}

function checkUser(
  user: OxUserView,
  resource: ResourceLike,
  contexts: ReadonlyMap<string, ContextView[]>,
  byId: ReadonlyMap<number, ContextView[]>,
  report: ReportViolation,
): void {
  const unknown = unknownAmong(user.unknown, ["contextName"]);
  if (unknown.length) return report(userMessage(user, unknownText("OX user", unknown)), user.urn);
  const declared = contexts.get(user.contextName ?? "") ?? [];
  if (declared.length !== 1) {
    return report(
      userMessage(user, `context "${user.contextName ?? "(none)"}" is declared by ${declared.length} OX Context resources; the user's context cannot be told`),
      user.urn,
    );
  }
  const context = declared[0]!;
  const owner = (id: number) => (byId.get(id) ?? []).map((c) => `"${c.name}"`).join(", ") || "no declared context";
  if (context.id !== undefined) {
    if (user.contextId === context.id) return;
    const wrong =
      user.contextId !== undefined
        ? `contextId ${user.contextId} is not the id of its context "${context.name}" (${context.id}); ${user.contextId} is the id of ${owner(user.contextId)}, so OX would create the user there`
        : `contextId is ${user.unknown.includes("contextId") ? "unknown at preview" : "missing"}, but its context "${context.name}" has the id ${context.id}; the user's id must be that value`;
    return report(userMessage(user, wrong), user.urn);
  }
  // The context's id is assigned by OX: the user's id must come from that very context resource.
  if (user.contextId === undefined && contextIdSources(resource).includes(context.urn)) return;
  report(
    userMessage(
      user,
      `context "${context.name}" has no fixed id, and the user's contextId ${user.contextId ?? "(not known)"} is not shown to come from that context (${context.resourceName}); fix the context id in plan.yaml contexts:`,
    ),
    user.urn,
  );
}

export const userInItsContext: StackValidationPolicy = {
  name: "user-in-its-context",
  description: "Checks whether every OX user's contextId is the id of the declared OX context it names, and whether context ids are unique across contexts.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: resourcesValidation((_ctx, resources, report) => {
    const contexts = resources.filter((r) => r.type === TYPES.oxContext).map(contextView);
    for (const c of contexts)
      if (c.name === undefined) report(plainMessage(`OX context ${c.resourceName}: name is unknown or missing; its users cannot be checked`), c.urn);
    const byName = groupBy(contexts, (c) => c.name);
    const byId = new Map([...groupBy(contexts, (c) => (c.id !== undefined ? String(c.id) : undefined))].map(([id, cs]) => [Number(id), cs] as const));
    for (const [id, same] of byId) {
      if (same.length < 2) continue;
      for (const c of same)
        report(
          plainMessage(
            `OX context "${c.name}" has context id ${id}, which is also the id of ${same
              .filter((o) => o !== c)
              .map((o) => `"${o.name}"`)
              .join(", ")}; context ids must be unique`,
          ),
          c.urn,
        );
    }
    for (const r of resources) if (r.type === TYPES.oxUser) checkUser(oxUserView(r), r, byName, byId, report);
  }),
};
