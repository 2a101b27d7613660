// Every Kubernetes manifest the program declares, validated against the Kubernetes OpenAPI schema as
// kubernetes-models ships it (JSON Schema per kind: types, required fields, enums). Unknown field
// names are not refused by that schema (Kubernetes' OpenAPI allows them); TypeScript's excess-property
// checks on the k8s Args types catch those in infra/ at compile time.
import { beforeAll, describe, expect, it } from "vitest";
import type { DeclaredResource } from "../../engine/types";
import { byType, runStack, stackConfig, writeInventory } from "./program-harness";

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: Record<string, unknown>) => Validatable;

/** `kubernetes:batch/v1:Job` → the kubernetes-models class (core group: `kubernetes-models/v1`). */
function modelOf(type: string): ModelClass {
  const match = /^kubernetes:([^/]+)\/([^:]+):(\w+)$/.exec(type);
  if (!match) throw new Error(`${type} is not a Kubernetes resource type`);
  const [, group, version, kind] = match;
  const module = require(`kubernetes-models/${group === "core" ? version : `${group}/${version}`}`) as Record<string, ModelClass>;
  const model = module[kind!];
  if (!model) throw new Error(`kubernetes-models has no ${kind} in ${group}/${version}`);
  return model;
}

/** The schema's complaint about a declared manifest, or undefined. Never the values (Secrets hold key passwords). */
function schemaProblem(type: string, manifest: Record<string, unknown>): string | undefined {
  try {
    new (modelOf(type))(structuredClone(manifest)).validate();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

const kubernetes = (rs: readonly DeclaredResource[]) => rs.filter((r) => r.type.startsWith("kubernetes:"));
const kinds = (rs: readonly DeclaredResource[]) => [...new Set(kubernetes(rs).map((r) => r.type))].sort();

let applied: DeclaredResource[];
let rendered: DeclaredResource[];

beforeAll(async () => {
  const inventory = writeInventory();
  const digest = `sha256:${"5e".repeat(32)}`;
  [applied, rendered] = await Promise.all([
    runStack("staging", stackConfig(inventory, { migrationImageDigest: digest, sourceImapCidrs: JSON.stringify(["192.0.2.10/32"]) })),
    runStack("staging", stackConfig(inventory, { renderYamlTo: "rendered" })),
  ]);
}, 240_000);

describe("the declared Kubernetes manifests", () => {
  it("cover every kind the program declares (so an empty run cannot pass)", () => {
    expect(kinds(applied)).toEqual([
      "kubernetes:batch/v1:Job",
      "kubernetes:core/v1:ConfigMap",
      "kubernetes:core/v1:PersistentVolumeClaim",
      "kubernetes:core/v1:Secret",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    ]);
  });

  it("each passes the Kubernetes OpenAPI schema, applied and rendered to YAML alike", () => {
    for (const run of [applied, rendered]) {
      const problems = kubernetes(run).flatMap((r) => {
        const problem = schemaProblem(r.type, r.inputs);
        return problem ? [`${r.type} ${r.name}: ${problem}`] : [];
      });
      expect(problems).toEqual([]);
    }
  });

  it("rendering to YAML declares the same manifests, through the render-yaml provider", () => {
    expect(kinds(rendered)).toEqual(kinds(applied));
    for (const r of kubernetes(rendered)) expect(r.options.provider, r.name).toMatch(/render-yaml/);
  });

  it("the Jobs run the image pinned by digest, and the NetworkPolicy allows the configured source address", () => {
    for (const job of byType(applied, "kubernetes:batch/v1:Job")) {
      const pod = (job.inputs as { spec: { template: { spec: { containers: { image: string }[]; initContainers: { image: string }[] } } } }).spec.template.spec;
      for (const c of [...pod.initContainers, ...pod.containers]) expect(c.image).toBe(`dovecot/dovecot:2.3.21@sha256:${"5e".repeat(32)}`);
    }
    const [policy] = byType(applied, "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    expect(JSON.stringify(policy!.inputs)).toContain('"cidr":"192.0.2.10/32"');
  });

  it("refuses a manifest that breaks the schema (a string uid, a container without a name)", () => {
    const job = byType(applied, "kubernetes:batch/v1:Job")[0]!;
    const broken = structuredClone(job.inputs) as {
      spec: { template: { spec: { securityContext: Record<string, unknown>; containers: Record<string, unknown>[] } } };
    };
    broken.spec.template.spec.securityContext.runAsUser = "5000";
    expect(schemaProblem(job.type, broken)).toMatch(/securityContext\/runAsUser must be integer/);
    const nameless = structuredClone(job.inputs) as typeof broken;
    delete nameless.spec.template.spec.containers[0]!.name;
    expect(schemaProblem(job.type, nameless)).toMatch(/containers\/0 must have required property name/);
    expect(() => modelOf("kubernetes:core/v1:NoSuchKind")).toThrow("kubernetes-models has no NoSuchKind in core/v1");
  });
});
