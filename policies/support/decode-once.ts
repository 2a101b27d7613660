// The policy SDK decodes a resource's properties again for every policy (AnalyzeStack: every resource
// for every stack policy; Analyze: every resource policy). Within one request the protobuf Struct never
// changes, so the pack decodes it once and gives every policy the same plain object. Rules only read
// props, so sharing is safe. Objects decoded here are marked, so views of them may be cached too
// (objects a test builds itself are never cached: a test may change them between calls).

// No node types here: the CLI's ts-node type-checks the pack without them. `import = require` gives
// the module's own exports object under every loader (tsx would hand `import *` a read-only copy).
import deserializeModule = require("@pulumi/policy/deserialize");

type Decode = (struct: object, proxySecrets?: boolean) => Record<string, unknown>;

// The SDK module (internal, untyped): server.js calls it through its exports object, so replacing it
// there works. A loader that hands out a copy of the module (esbuild/tsx) leaves it as it is.
const sdk = deserializeModule as unknown as { deserializeProperties: Decode & { __decodedOnce?: WeakSet<object> } };

/**
 * Whether `props` came out of an analyzer request (decoded once, shared by every policy). The marks
 * live on the installed decoder itself: a second copy of this module (a test runner that reloads
 * modules) finds the decoder already installed and must read the same marks, not an empty set.
 */
export function isDecodedRequest(props: object): boolean {
  return sdk.deserializeProperties.__decodedOnce?.has(props) === true;
}

function installDecodeOnce(): void {
  const original = sdk.deserializeProperties;
  if (original.__decodedOnce) return;
  const decoded = new WeakMap<object, Record<string, unknown>>();
  const fromRequests = new WeakSet<object>();
  const once: Decode = (struct, proxySecrets) => {
    // Secret-preserving proxies (remediations) are per call; only the plain decoding is shared.
    if (proxySecrets || struct === null || typeof struct !== "object") return original(struct, proxySecrets);
    let props = decoded.get(struct);
    if (!props) {
      props = original(struct, false);
      decoded.set(struct, props);
      fromRequests.add(props);
    }
    return props;
  };
  try {
    sdk.deserializeProperties = Object.assign(once, { __decodedOnce: fromRequests });
  } catch {
    // A read-only module object: the SDK keeps decoding per policy (slower, same results).
  }
}

installDecodeOnce();
