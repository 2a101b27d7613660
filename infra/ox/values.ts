// Small helpers for provider inputs as the Pulumi engine hands them over (plain JSON, maybe unknown).

import type { RuleFailure } from "./rules";

/** The engine's placeholder for values not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const isUnknown = (value: unknown): boolean =>
  value === UNKNOWN ||
  (Array.isArray(value) && value.some(isUnknown)) ||
  (value !== null && typeof value === "object" && !Array.isArray(value) && Object.values(value).some(isUnknown));

/** Stable comparison of JSON-like values (object key order ignored). */
export function sameValue(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

/** Failures for required string inputs that are missing or empty (unknown values pass). */
export function missingStrings(inputs: Record<string, unknown>, properties: readonly string[]): RuleFailure[] {
  return properties
    .filter((p) => !isUnknown(inputs[p]) && (typeof inputs[p] !== "string" || (inputs[p] as string).trim() === ""))
    .map((property) => ({ property, reason: `${property} is required and must be a non-empty string` }));
}

/** Same members, order ignored; `foldCase` for what OX compares case-insensitively (mail addresses). */
export function sameSet(a: readonly string[] | undefined, b: readonly string[] | undefined, foldCase = false): boolean {
  const norm = (list: readonly string[] | undefined) => [...new Set((list ?? []).map((x) => (foldCase ? x.toLowerCase() : x)))].sort();
  return sameValue(norm(a), norm(b));
}
