// Analyze / AnalyzeStack requests for the policy SDK's handlers called in process: plain objects that
// answer exactly the getters the SDK's server reads, with the values a decoded protobuf message gives
// (test/engine/analyzer-views.test.ts compares them getter by getter). Building and decoding real
// messages, Structs above all, cost more than the rules they feed (bench/gate.ts). Lists are handed
// out as they are, like a message's own repeated fields: the SDK only reads them, once per policy.
// Classes, not object literals of arrow functions: a request view is built per resource, and the
// getters then live once on a prototype instead of as a dozen closures per resource.
import { seconds } from "./analyzer-proto";
import type { DeclaredResource } from "./types";
import { wrapProperties } from "./wire";

type ByUrn = ReadonlyMap<string, DeclaredResource>;

/** What `getProperties()` answers: a Struct's `toJavaScript()`, computed when first asked. */
class StructView {
  constructor(
    private readonly plain: Record<string, unknown>,
    private readonly secretPaths: DeclaredResource["secretInputPaths"],
  ) {}
  toJavaScript(): Record<string, unknown> {
    return wrapProperties(this.plain, this.secretPaths);
  }
}

class TimeoutsView {
  constructor(private readonly t: NonNullable<DeclaredResource["options"]["customTimeouts"]>) {}
  getCreate(): number {
    return seconds(this.t.create);
  }
  getUpdate(): number {
    return seconds(this.t.update);
  }
  getDelete(): number {
    return seconds(this.t.delete);
  }
}

class OptionsView {
  constructor(private readonly r: DeclaredResource) {}
  getProtect(): boolean {
    return this.r.options.protect;
  }
  getIgnorechangesList(): readonly string[] {
    return this.r.options.ignoreChanges;
  }
  getAliasesList(): readonly string[] {
    return this.r.options.aliases;
  }
  getCustomtimeouts(): TimeoutsView | undefined {
    const t = this.r.options.customTimeouts;
    return t ? new TimeoutsView(t) : undefined;
  }
  getAdditionalsecretoutputsList(): readonly string[] {
    return this.r.options.additionalSecretOutputs;
  }
  getDeletebeforereplacedefined(): boolean {
    return this.r.options.deleteBeforeReplace !== undefined;
  }
  getDeletebeforereplace(): boolean {
    return this.r.options.deleteBeforeReplace ?? false;
  }
  getParent(): string {
    return this.r.parent ?? "";
  }
}

/** What every resource in a request answers: its identity and its properties as one Struct object. */
abstract class NamedView {
  private struct?: StructView;
  constructor(protected readonly r: DeclaredResource) {}
  protected abstract properties(): StructView;
  getType(): string {
    return this.r.type;
  }
  getName(): string {
    return this.r.name;
  }
  getUrn(): string {
    return this.r.urn;
  }
  /** One Struct object per request: the engine decodes it once for every policy (engine/sdk-hooks.ts). */
  getProperties(): StructView {
    return (this.struct ??= this.properties());
  }
}

const inputsOf = (r: DeclaredResource) => new StructView(r.inputs, r.secretInputPaths);

/** The explicit provider ("urn::id" reference) when the program declared one and it is in the plan. */
class ProviderView extends NamedView {
  protected properties(): StructView {
    return inputsOf(this.r);
  }
}

function providerOf(r: DeclaredResource, byUrn: ByUrn): ProviderView | undefined {
  const ref = r.options.provider;
  const p = ref ? byUrn.get(ref.slice(0, ref.lastIndexOf("::"))) : undefined;
  return p && new ProviderView(p);
}

/** What an Analyze request and a resource of an AnalyzeStack request have in common. */
abstract class ResourceView extends NamedView {
  private options?: OptionsView;
  private provider?: ProviderView | null;
  constructor(
    r: DeclaredResource,
    private readonly byUrn: ByUrn,
  ) {
    super(r);
  }
  getOptions(): OptionsView {
    return (this.options ??= new OptionsView(this.r));
  }
  getProvider(): ProviderView | undefined {
    if (this.provider === undefined) this.provider = providerOf(this.r, this.byUrn) ?? null;
    return this.provider ?? undefined;
  }
}

/** An Analyze request: the resource's inputs, as the engine sends them before a step. */
class AnalyzeRequestView extends ResourceView {
  protected properties(): StructView {
    return inputsOf(this.r);
  }
}

class UrnsView {
  constructor(private readonly urns: readonly string[]) {}
  getUrnsList(): readonly string[] {
    return this.urns;
  }
}

class PropertyDependenciesView {
  private readonly deps: [string, UrnsView][];
  constructor(byKey: DeclaredResource["propertyDependencies"]) {
    this.deps = Object.keys(byKey).map((key): [string, UrnsView] => [key, new UrnsView(byKey[key]!)]);
  }
  entries(): IterableIterator<[string, UrnsView]> {
    return this.deps[Symbol.iterator]();
  }
}

/** One resource of an AnalyzeStack request: outputs, parent and dependencies. */
class AnalyzerResourceView extends ResourceView {
  private propertyDependencies?: PropertyDependenciesView;
  protected properties(): StructView {
    return new StructView(this.r.outputs, this.r.secretOutputPaths);
  }
  getParent(): string {
    return this.r.parent ?? "";
  }
  getDependenciesList(): readonly string[] {
    return this.r.dependencies;
  }
  getPropertydependenciesMap(): PropertyDependenciesView {
    return (this.propertyDependencies ??= new PropertyDependenciesView(this.r.propertyDependencies));
  }
}

/** Whether `struct` is a request's properties as these views hand them out (the engine decodes those once per request). */
export function isRequestStruct(struct: unknown): boolean {
  return struct instanceof StructView;
}

/** Every getter the views answer (engine/sdk-hooks.ts checks the SDK reads no other). */
export function viewGetters(): Set<string> {
  const names = new Set<string>();
  const classes: { prototype: object }[] = [
    ...[StructView, TimeoutsView, OptionsView, ProviderView, UrnsView, PropertyDependenciesView],
    ...[AnalyzeRequestView, AnalyzerResourceView, AnalyzeStackRequestView],
  ];
  for (const c of classes) {
    for (let proto = c.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const name of Object.getOwnPropertyNames(proto)) if (name.startsWith("get")) names.add(name);
    }
  }
  return names;
}

export function analyzeRequestView(r: DeclaredResource, byUrn: ByUrn): AnalyzeRequestView {
  return new AnalyzeRequestView(r, byUrn);
}

/** An AnalyzeStack request: every resource, in registration order. */
class AnalyzeStackRequestView {
  private readonly list: readonly AnalyzerResourceView[];
  constructor(resources: readonly DeclaredResource[]) {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    this.list = resources.map((r) => new AnalyzerResourceView(r, byUrn));
  }
  getResourcesList(): readonly AnalyzerResourceView[] {
    return this.list;
  }
}

export function analyzeStackRequestView(resources: readonly DeclaredResource[]): AnalyzeStackRequestView {
  return new AnalyzeStackRequestView(resources);
}
