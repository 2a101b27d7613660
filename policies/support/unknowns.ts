// Preview leaves some values unknown. The policy SDK hands rules their properties behind a proxy that
// throws when a rule reads an unknown value, and turns the whole rule into an advisory "can't run
// during preview" note. So rules read plain data instead, with every unknown value as UNKNOWN, and
// report each unknown binding-critical value as their own mandatory violation. Under the Pulumi CLI
// the pack copies the properties through that proxy (public behaviour, no SDK internals); the gate's
// engine hands the same plain data over once per request (core/engine-hints.ts).
import { requestProps, UNKNOWN_VALUE } from "@oxmig/core/engine-hints";

/** What plain data holds where a value is unknown (@pulumi/pulumi's public `runtime.unknownValue`). */
export const UNKNOWN = UNKNOWN_VALUE;

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/**
 * Reads `bag[key]`. A read of a decoded property bag can only throw in the SDK's proxy, which throws
 * exactly when the value is unknown; any throw counts as unknown, so a rule fails closed on it.
 */
function read(bag: object, key: string | number): unknown {
  try {
    return (bag as Record<string | number, unknown>)[key];
  } catch {
    return UNKNOWN;
  }
}

function plainCopy(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const length = value.length;
    const copy: unknown[] = new Array(length);
    for (let i = 0; i < length; i++) copy[i] = plainCopy(read(value, i));
    return copy;
  }
  const copy: Record<string, unknown> = {};
  for (const key in value) copy[key] = plainCopy(read(value, key));
  return copy;
}

/** The property bag as plain data, every unknown value as UNKNOWN (`{}` for a bag that is not an object). */
export function rawProps(props: unknown): Record<string, unknown> {
  if (props === null || typeof props !== "object") return {};
  return requestProps(props)?.plain ?? (plainCopy(props) as Record<string, unknown>);
}

/** Dotted paths of every unknown value below `value` (arrays as `[i]`). */
export function unknownPaths(value: unknown, path = ""): string[] {
  const found: string[] = [];
  collectUnknowns(value, path, found);
  return found;
}

function collectUnknowns(value: unknown, path: string, found: string[]): void {
  if (value === UNKNOWN) found.push(path || "(value)");
  else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) collectUnknowns(value[i], `${path}[${i}]`, found);
  } else if (value && typeof value === "object") {
    for (const key in value) collectUnknowns((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, found);
  }
}

/** Reads a nested value of a plain copy; unknowns come back as UNKNOWN. */
export function at(bag: unknown, ...path: string[]): unknown {
  let current: unknown = bag;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
