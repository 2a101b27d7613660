// Runs a Pulumi program under Pulumi's mock runtime and returns every resource it
// registered, with the options the policies read. The runtime is a process-wide
// singleton: call this once per process (program-worker.ts does).
import { createHmac, randomBytes } from "node:crypto";
import type * as pulumiTypes from "@pulumi/pulumi";
import { mockEngine, skipPromiseLeakTracking, skipSourcePositions, type StoredState } from "./sdk-hooks";
import type { DeclaredResource, PropertyPath } from "./types";
import { unwrapProperties, withAdditionalSecrets } from "./wire";

export interface MockResourceArgs {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly provider?: string;
  readonly custom?: boolean;
  readonly id?: string;
}

export interface ProgramMocks {
  newResource?(args: MockResourceArgs): { id: string | undefined; state: Record<string, unknown> };
}

export interface RunProgramOptions {
  /** Absolute path of the program entry (exports values, or a function the runtime calls). */
  readonly programModule: string;
  readonly project: string;
  readonly stack: string;
  /** "project:key" → value, as pulumi.runtime.setAllConfig takes it. */
  readonly config: Record<string, string>;
  readonly secretKeys?: readonly string[];
  readonly preview?: boolean;
  readonly mocks?: ProgramMocks;
  /**
   * Capture each resource's source position, as the SDK does for the engine (default false: the
   * mocks ignore it, and the SDK takes a full stack trace per resource for it, whatever
   * --stack-trace-limit says).
   */
  readonly sourcePositions?: boolean;
  /**
   * Keep the SDK's promise leak tracking (default false: it annotates every internal promise with a
   * captured stack and a leak-candidate entry, ~10% of the run, and only ever prints a note at exit).
   */
  readonly promiseLeakTracking?: boolean;
  /**
   * Called with each resource as soon as the mock engine has answered its registration, with its index
   * in registration order (the gate analyses resources while the program goes on). Resources whose
   * outputs the program registers later (components, the stack) are handed out once more at the end,
   * under the same index, as they finally are.
   */
  readonly onDeclared?: (index: number, resource: DeclaredResource) => void;
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
const KEY_TYPE = "random:index/randomPassword:RandomPassword";

/** What the mock monitor saw in one RegisterResourceRequest. */
interface Registration {
  /** Position in registration order. */
  readonly index: number;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent?: string;
  readonly wireInputs: Record<string, unknown>;
  readonly options: DeclaredResource["options"];
  readonly dependencies: string[];
  readonly propertyDependencies: Record<string, string[]>;
  urn?: string;
  /** The mock engine's entry for this registration (outputs registered later land in it). */
  entry?: StoredState;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the generated protobuf classes are untyped */
function readRequest(req: any, index: number): Registration {
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
    propertyDependencies[key] = deps.getUrnsList();
  });
  const aliasUrns: string[] = [
    ...req.getAliasurnsList(),
    ...req
      .getAliasesList()
      .map((a: any) => a.getUrn())
      .filter(Boolean),
  ];
  return {
    index,
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    parent: req.getParent() || undefined,
    wireInputs: req.getObject()?.toJavaScript() ?? {},
    dependencies: req.getDependenciesList(),
    propertyDependencies,
    options: {
      protect: Boolean(req.getProtect()),
      retainOnDelete: Boolean(req.getRetainondelete()),
      ignoreChanges: req.getIgnorechangesList(),
      deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      provider: req.getProvider() || undefined,
      aliases: aliasUrns,
      customTimeouts: readTimeouts(req.getCustomtimeouts()),
    },
  };
}

function readTimeouts(t: any): DeclaredResource["options"]["customTimeouts"] {
  if (!t || (!t.getCreate() && !t.getUpdate() && !t.getDelete())) return undefined;
  return { create: t.getCreate(), update: t.getUpdate(), delete: t.getDelete() };
}

/** The engine's URN rule: children of the root stack are not prefixed with its type (the mock's rule differs). */
function engineUrn(stack: string, project: string) {
  return (parent: string | undefined, type: string, name: string): string => {
    const parentType = parent?.split("::")[2];
    const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
  };
}

/** Default mocks: state = inputs; a key gets a fake, per-run, name-derived result, returned as a secret. */
function defaultMocks(pulumi: typeof pulumiTypes, custom: ProgramMocks | undefined): pulumiTypes.runtime.Mocks {
  const salt = randomBytes(32);
  return {
    newResource(args) {
      if (custom?.newResource) return custom.newResource(args);
      if (args.type !== KEY_TYPE) return { id: `${args.name}-id`, state: args.inputs };
      const length = typeof args.inputs["length"] === "number" ? args.inputs["length"] : 32;
      const fake = createHmac("sha256", salt).update(args.name).digest("base64url").repeat(4).slice(0, length);
      return { id: `${args.name}-id`, state: { ...args.inputs, result: pulumi.secret(fake) } };
    },
    call: (args) => args.inputs,
  };
}

function requireProgram(programModule: string): Promise<unknown> {
  const exported: unknown = require(programModule);
  return Promise.resolve(typeof exported === "function" ? (exported as () => unknown)() : exported);
}

function toDeclared(reg: Registration, stored: StoredState | undefined): DeclaredResource {
  const inputs = unwrapProperties(reg.wireInputs);
  const wireOutputs = typeof stored?.state?.toJavaScript === "function" ? stored.state.toJavaScript() : (stored?.state ?? {});
  const outputs = unwrapProperties(wireOutputs);
  const secretOutputPaths: PropertyPath[] = withAdditionalSecrets(outputs.secretPaths, reg.options.additionalSecretOutputs, outputs.plain);
  return {
    urn: reg.urn ?? "",
    type: reg.type,
    name: reg.name,
    custom: reg.custom,
    id: reg.custom ? stored?.id || undefined : undefined,
    parent: reg.parent,
    inputs: inputs.plain,
    secretInputPaths: inputs.secretPaths,
    outputs: outputs.plain,
    secretOutputPaths,
    options: reg.options,
    dependencies: reg.dependencies,
    propertyDependencies: reg.propertyDependencies,
  };
}

/** Runs the program under mocks in this process and returns what it registered, in registration order. */
export async function runProgramUnderMocks(opts: RunProgramOptions): Promise<DeclaredResource[]> {
  const pulumi: typeof pulumiTypes = require("@pulumi/pulumi");
  if (!opts.sourcePositions) skipSourcePositions();
  if (!opts.promiseLeakTracking) skipPromiseLeakTracking();
  await pulumi.runtime.setMocks(defaultMocks(pulumi, opts.mocks), opts.project, opts.stack, opts.preview ?? false);
  pulumi.runtime.setAllConfig(opts.config, [...(opts.secretKeys ?? [])]);
  const engine = mockEngine();
  engine.nameResourcesWith(engineUrn(opts.stack, opts.project));
  const registrations: Registration[] = [];
  // The mock engine's own store. Each registration keeps the entry the engine made for it: two
  // registrations of one URN (a planning mistake the pack reports) keep their own outputs.
  const engineState = engine.resources;
  const handedOut = new Map<Registration, unknown>();
  engine.interceptRegistrations((req: any, callback, register) => {
    const reg = readRequest(req, registrations.length);
    registrations.push(reg);
    return register(req, (err: unknown, resp: any) => {
      if (resp) {
        const urn: string = resp.getUrn();
        reg.urn = urn;
        reg.entry = engineState.get(urn);
      }
      if (resp && opts.onDeclared) {
        handedOut.set(reg, reg.entry?.state);
        opts.onDeclared(reg.index, toDeclared(reg, reg.entry));
      }
      callback(err, resp);
    });
  });
  await pulumi.runtime.runInPulumiStack(() => requireProgram(opts.programModule));
  await engine.settled();
  const declared = registrations.map((reg) => toDeclared(reg, reg.entry));
  if (opts.onDeclared) {
    for (const reg of registrations) if (handedOut.has(reg) && handedOut.get(reg) !== reg.entry?.state) opts.onDeclared(reg.index, declared[reg.index]!);
  }
  return declared;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
