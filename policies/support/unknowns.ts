// Preview leaves some values unknown. The SDK's props proxy throws on them and turns the whole
// rule into an advisory "can't run during preview" note, so rules read the raw values instead
// and report every unknown binding-critical value as their own mandatory violation.

/** The wire sentinels of unknown values (same strings as @pulumi/policy's proxy.js). */
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** Key the SDK's proxy answers with the unproxied target (proxy.js `getSpecialProxyTarget`). */
const PROXY_TARGET = "__getSpecialProxyTarget";

export function isUnknown(value: unknown): boolean {
  return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/** The plain property bag behind the SDK's unknown-checking proxy (or the bag itself). */
export function rawProps(props: unknown): Record<string, unknown> {
  if (props === null || typeof props !== "object") return {};
  const target = (props as Record<string, unknown>)[PROXY_TARGET];
  return (target && typeof target === "object" ? target : props) as Record<string, unknown>;
}

/** Dotted paths of every unknown value below `value` (arrays as `[i]`). */
export function unknownPaths(value: unknown, path = ""): string[] {
  const found: string[] = [];
  collectUnknowns(value, path, found);
  return found;
}

/** Every sentinel is a 36-character UUID: other strings (e.g. a 2.5 kB `__provider`) skip the hash lookup. */
const SENTINEL_LENGTH = 36;

function collectUnknowns(value: unknown, path: string, found: string[]): void {
  if (typeof value === "string") {
    if (value.length === SENTINEL_LENGTH && UNKNOWN_SENTINELS.has(value)) found.push(path || "(value)");
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) collectUnknowns(value[i], `${path}[${i}]`, found);
  } else if (value && typeof value === "object") {
    for (const key in value) collectUnknowns((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, found);
  }
}

/** Reads a nested value without the proxy; unknowns come back as the sentinel string. */
export function at(bag: unknown, ...path: string[]): unknown {
  let current: unknown = bag;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
