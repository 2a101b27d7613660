// Pulumi's wire encoding of property values (google.protobuf.Struct JSON with "special
// signature" objects) ⇄ plain JSON plus the paths of secret values. The program side
// unwraps what the SDK sent to the (mock) engine; the analyzer side re-wraps secrets the
// way the engine sends them to a policy pack.
import { UNKNOWN, type PropertyPath } from "./types";

export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Unwrapped {
  readonly plain: Record<string, unknown>;
  readonly secretPaths: PropertyPath[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A resource reference as the engine hands it to analyzers: the id of a custom resource, else its URN. */
function referenceValue(ref: Record<string, unknown>): unknown {
  const id = ref["id"];
  return typeof id === "string" && id !== "" ? id : ref["urn"];
}

function unwrapValue(v: unknown, path: PropertyPath, secrets: PropertyPath[], inSecret: boolean): unknown {
  if (Array.isArray(v)) return v.map((e, i) => unwrapValue(e, [...path, i], secrets, inSecret));
  if (!isObject(v)) return v;
  const sig = v[SIG_KEY];
  if (sig === SECRET_SIG) {
    if (!inSecret) secrets.push(path);
    return unwrapValue(v["value"], path, secrets, true);
  }
  if (sig === RESOURCE_SIG) return referenceValue(v);
  if (sig === OUTPUT_VALUE_SIG) {
    if (v["secret"] === true && !inSecret) secrets.push(path);
    return "value" in v ? unwrapValue(v["value"], path, secrets, inSecret || v["secret"] === true) : UNKNOWN;
  }
  if (sig !== undefined) return v; // assets and archives travel as they are
  const out: Record<string, unknown> = {};
  for (const [k, e] of Object.entries(v)) out[k] = unwrapValue(e, [...path, k], secrets, inSecret);
  return out;
}

/** Wire properties → plain values (secrets unwrapped, their outermost paths recorded). */
export function unwrapProperties(wire: Record<string, unknown>): Unwrapped {
  const secretPaths: PropertyPath[] = [];
  const plain = unwrapValue(wire, [], secretPaths, false) as Record<string, unknown>;
  return { plain, secretPaths };
}

const NO_SECRETS: ReadonlySet<string> = new Set();

function wrapValue(v: unknown, path: PropertyPath, secret: ReadonlySet<string>): Json {
  if (v === undefined) return null;
  // Paths are only tracked while a secret may lie below (most resources have none).
  const tracking = secret.size > 0;
  if (tracking && secret.has(JSON.stringify(path))) return { [SIG_KEY]: SECRET_SIG, value: wrapValue(v, path, NO_SECRETS) };
  if (Array.isArray(v)) return v.map((e, i) => wrapValue(e, tracking ? [...path, i] : path, secret));
  if (!isObject(v)) return v as Json;
  const out: { [key: string]: Json } = {};
  for (const k in v) {
    const e = v[k];
    if (e !== undefined) out[k] = wrapValue(e, tracking ? [...path, k] : path, secret);
  }
  return out;
}

/** Plain values + secret paths → wire properties, secrets wrapped as the engine sends them. */
export function wrapProperties(plain: Record<string, unknown>, secretPaths: readonly PropertyPath[]): { [key: string]: Json } {
  const secret = secretPaths.length ? new Set(secretPaths.map((p) => JSON.stringify(p))) : NO_SECRETS;
  return wrapValue(plain, [], secret) as { [key: string]: Json };
}

/** Marks top-level outputs named in additionalSecretOutputs as secret, as the engine does. */
export function withAdditionalSecrets(paths: readonly PropertyPath[], names: readonly string[], outputs: Record<string, unknown>): PropertyPath[] {
  const present = names.filter((n) => n in outputs);
  return [...paths.filter((p) => !present.includes(String(p[0]))), ...present.map((n) => [n])];
}
