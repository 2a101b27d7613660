// The in-process pack runs with the engine's hooks (sdk-hooks.ts): properties decoded once per request
// and handed to the pack as plain data, the SDK's type filter for one-type rules. The pack in its own
// process has none of them, as under the Pulumi CLI. Both must find exactly the same, unknowns included.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TYPES, USER_ATTRIBUTES } from "@oxmig/core/contract";
import { startPolicyPack, type PolicyPackClient } from "../../engine/analyzer-client";
import { openInProcessPack } from "../../engine/in-process-pack";
import { unknownSentinels, withUnknownsMarked } from "../../engine/sdk-hooks";
import { UNKNOWN_VALUE } from "@oxmig/core/engine-hints";
import type { DeclaredResource, PolicyViolation } from "../../engine/types";
import { buildResources, IDS, type ResourceRecord } from "../fixtures/policies/plan";

const ROOT = path.resolve(__dirname, "../..");
const PACK = path.join(ROOT, "policies");
const FIXTURES = path.join(ROOT, "test", "fixtures", "policies");
const CONFIG = { directory: path.join(FIXTURES, "directory.ldif"), exchange: path.join(FIXTURES, "exchange.csv"), stackKind: "staging" };

// The SDK's typed wire sentinels (internal, so untyped): what preview sends for values not known yet.
type SentinelName = "unknownStringValue" | "unknownNumberValue" | "unknownArrayValue" | "unknownObjectValue" | "unknownBooleanValue";
const SENTINELS = require("@pulumi/policy/proxy") as Record<SentinelName, string>;

function declared(records: readonly ResourceRecord[]): DeclaredResource[] {
  return records.map((r) => ({
    urn: `urn:pulumi:staging::oxmig::${r.type}::${r.name}`,
    type: r.type,
    name: r.name,
    custom: true,
    id: `${r.name}-id`,
    inputs: r.props,
    secretInputPaths: [],
    outputs: r.props,
    secretOutputPaths: [],
    options: { protect: r.protect, retainOnDelete: false, ignoreChanges: [], additionalSecretOutputs: [], aliases: [] },
    dependencies: [],
    propertyDependencies: {},
  }));
}

/** The fixture plan as preview sends it: values of several types unknown in Jan's user, key and userdb. */
function previewed(): DeclaredResource[] {
  const records = buildResources(undefined, { withSecrets: false });
  const find = (type: string, name: string) => records.find((r) => r.type === type && r.name === name)!;
  const jan = find(TYPES.oxUser, `oxuser-${IDS.jan}`);
  jan.props.userAttributes[USER_ATTRIBUTES.ownerId] = SENTINELS.unknownStringValue;
  jan.props.aliases = SENTINELS.unknownArrayValue;
  jan.props.contextId = SENTINELS.unknownNumberValue;
  jan.props.displayName = SENTINELS.unknownStringValue;
  find(TYPES.key, `key-${IDS.jan}`).props.keepers = SENTINELS.unknownObjectValue;
  find(TYPES.secret, "userdb-luebeck").props.immutable = SENTINELS.unknownBooleanValue;
  return declared(records);
}

const findings = (vs: readonly PolicyViolation[]) => vs.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn ?? ""}: ${v.message}`).sort();

async function evaluate(pack: PolicyPackClient, resources: readonly DeclaredResource[]): Promise<string[]> {
  await pack.configure(Object.fromEntries(pack.policies.map((p) => [p.name, CONFIG])));
  return findings([...(await pack.analyze(resources)), ...(await pack.analyzeStack(resources))]);
}

describe("the pack in the gate's process, against the same pack in its own process", () => {
  let inProcess: PolicyPackClient;
  let ownProcess: PolicyPackClient;
  beforeAll(async () => {
    [inProcess, ownProcess] = await Promise.all([openInProcessPack(PACK), startPolicyPack({ packDir: PACK, loader: "tsx" })]);
  });
  afterAll(() => {
    inProcess?.close();
    ownProcess?.close();
  });

  it("finds differently once the engine's hooks are on (a correct plan)", async () => {
    const plan = declared(buildResources());
    expect(await evaluate(inProcess, plan)).toEqual(await evaluate(ownProcess, plan));
  });

  it("finds differently on values preview leaves unknown, or lets them through as advisory", async () => {
    const plan = previewed();
    const engine = await evaluate(inProcess, plan);
    expect(engine).toEqual(await evaluate(ownProcess, plan));
    expect(engine.filter((f) => f.startsWith("mandatory") && f.includes("is unknown at preview")).length).toBeGreaterThan(2);
    expect(engine.filter((f) => f.includes("can't run policy"))).toEqual([]);
  });
});

describe("the engine's plain data for the pack", () => {
  const sentinels = unknownSentinels(PACK);

  it.each([...sentinels])("keeps the sentinel %s instead of the pack's unknown marker", (sentinel) => {
    const decoded = { a: sentinel, list: ["known", { deep: sentinel }], known: { x: 1 } };
    const plain = withUnknownsMarked(decoded, sentinels) as typeof decoded;
    expect(plain).toEqual({ a: UNKNOWN_VALUE, list: ["known", { deep: UNKNOWN_VALUE }], known: { x: 1 } });
    expect(decoded.a).toBe(sentinel);
    expect(plain.known).toBe(decoded.known);
  });

  it("copies a property bag that holds no unknown value", () => {
    const decoded = { name: "mmueller", aliases: ["m@x.example"], n: 3, none: null };
    expect(withUnknownsMarked(decoded, sentinels)).toBe(decoded);
  });
});
