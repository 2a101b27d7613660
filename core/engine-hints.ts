// What the gate's engine and the policy pack agree on beyond the analyzer protocol. Both are hints
// the pack only reads: under the Pulumi CLI nobody sets them, and the pack does the same work per
// call with the same results. Keys come from Symbol.for because the pack ships bundled, so its copy
// of this module is not the engine's.

/** On a resource rule's validate function: the resource types the rule reads. */
export const RULE_RESOURCE_TYPES: unique symbol = Symbol.for("oxmig.engine-hints.rule-resource-types");

/**
 * On a property bag the engine decoded once for a whole analyzer request: the bag as plain data (see
 * RequestProps), the same object for every policy of the request. Non-writable and non-configurable,
 * so the policy SDK's unknown-checking proxy must hand out the value itself (a JavaScript Proxy
 * invariant), not a wrapper of it.
 */
export const REQUEST_PROPS: unique symbol = Symbol.for("oxmig.engine-hints.request-props");

/**
 * What a plain copy of a property bag holds where a value is unknown: the same string as
 * @pulumi/pulumi's public `runtime.unknownValue` (the wire sentinel of an unknown string).
 */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface RequestProps {
  /** The decoded bag with every unknown value, whatever its type, as UNKNOWN_VALUE. Read only. */
  readonly plain: Record<string, unknown>;
}

/** Tags `validate` with the resource types it reads (the engine may then skip other types). */
export function declareResourceTypes<F extends object>(validate: F, types: readonly string[]): F {
  return Object.assign(validate, { [RULE_RESOURCE_TYPES]: Object.freeze([...types]) });
}

export function declaredResourceTypes(validate: unknown): readonly string[] | undefined {
  if (typeof validate !== "function") return undefined;
  const types = (validate as { [RULE_RESOURCE_TYPES]?: unknown })[RULE_RESOURCE_TYPES];
  return Array.isArray(types) && types.every((t) => typeof t === "string") ? types : undefined;
}

/** Marks `props` as decoded once per request and never changed afterwards, with its plain data (the engine calls this). */
export function markRequestProps(props: object, plain: Record<string, unknown>): void {
  const value: RequestProps = Object.freeze({ plain });
  Object.defineProperty(props, REQUEST_PROPS, { value, enumerable: false, writable: false, configurable: false });
}

/** The engine's plain data for `props` (read through the SDK's proxy as well), or undefined outside the engine. */
export function requestProps(props: unknown): RequestProps | undefined {
  if (props === null || typeof props !== "object") return undefined;
  const marked = (props as { [REQUEST_PROPS]?: unknown })[REQUEST_PROPS];
  return marked !== null && typeof marked === "object" && "plain" in marked ? (marked as RequestProps) : undefined;
}
