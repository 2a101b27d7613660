// Which ConfigMap key a path inside a Pod's container really is, the way the kubelet lays out volumes:
// the deepest volumeMount containing the path (with its subPath), then the volume's configMap or
// projected sources, whose `items` may map any key to any path. Anything else (an image file, a
// Secret, an emptyDir, an unknown value) cannot be read from the stack, so it comes back as a problem.
// The same layout also tells which Secret key lies at a path (the migration Job's userdb) and which
// volume a path lands in (the mail storage), for core/migration-auth.ts.

/** A ConfigMap of the stack as declared (metadata.name, namespace, data). */
export interface DeclaredConfigMap {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, unknown>>;
  readonly data: Readonly<Record<string, unknown>>;
  readonly binaryKeys: readonly string[];
}

export interface PodFile {
  readonly configMap: DeclaredConfigMap;
  readonly key: string;
  readonly text: string;
}

export type Unknown = (value: unknown) => boolean;

type Obj = Record<string, unknown>;

// Plain string handling, no node:path: the pack's ts-node type-checks new files without Node's types.
/** A path's segments without "." and empty ones, the way the kubelet joins them; undefined when one is "..". */
function segments(path: string): string[] | undefined {
  const parts = path.split("/").filter((s) => s !== "" && s !== ".");
  return parts.includes("..") ? undefined : parts;
}
const normalize = (path: string): string | undefined => segments(path)?.join("/");
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** One source of a volume that may put files into it. */
interface Source {
  readonly kind: string;
  readonly spec: Obj;
}

function sourcesOf(volume: Obj): { sources?: Source[]; problem?: string } {
  if (obj(volume.configMap)) return { sources: [{ kind: "configMap", spec: obj(volume.configMap)! }] };
  const projected = obj(volume.projected);
  if (!projected) {
    const kind = Object.keys(volume).find((k) => k !== "name") ?? "no source";
    return { problem: `volume "${str(volume.name)}" is ${kind}, not a ConfigMap the stack declares` };
  }
  const sources: Source[] = [];
  for (const raw of list(projected.sources)) {
    const entry = obj(raw) ?? {};
    const kind = Object.keys(entry)[0];
    if (kind === undefined || Object.keys(entry).length !== 1 || !obj(entry[kind]))
      return { problem: `volume "${str(volume.name)}" has a projected source that is not one object` };
    sources.push({ kind, spec: obj(entry[kind])! });
  }
  return { sources };
}

/** The key a source puts at `rel`: `items` map key → path; without items a ConfigMap puts every key at its own name. */
function keyAt(source: Source, rel: string, configMap: DeclaredConfigMap | undefined): { provides: boolean; key?: string; problem?: string } {
  const items = source.spec.items;
  if (items !== undefined) {
    if (!Array.isArray(items)) return { provides: false, problem: `${source.kind} items are not a list` };
    const hits = items.map(obj).filter((i) => i !== undefined && str(i.path) !== undefined && normalize(str(i.path)!) === rel);
    if (hits.length === 0) return { provides: false };
    if (hits.length > 1) return { provides: true, problem: `${source.kind} items map ${hits.length} keys to ${rel}` };
    const key = str(hits[0]!.key);
    return key === undefined ? { provides: true, problem: `${source.kind} item for ${rel} has no key` } : { provides: true, key };
  }
  if (source.kind === "serviceAccountToken") return { provides: normalize(str(source.spec.path) ?? "") === rel };
  if (source.kind !== "configMap") return { provides: true, problem: `${source.kind} source without items may put a file at ${rel}` };
  if (!configMap) return { provides: true, problem: `ConfigMap "${str(source.spec.name)}" is not declared in the stack, so its files are unknown` };
  const provides = rel in configMap.data || configMap.binaryKeys.includes(rel);
  return provides ? { provides, key: rel } : { provides };
}

export interface PodView {
  readonly container: Obj;
  readonly volumes: readonly unknown[];
  readonly namespace?: string;
  readonly configMaps: readonly DeclaredConfigMap[];
  readonly isUnknown: Unknown;
}

function configMapNamed(view: PodView, name: unknown): { configMap?: DeclaredConfigMap; problem?: string } {
  if (view.isUnknown(name)) return { problem: "a ConfigMap name is unknown at preview" };
  const found = view.configMaps.filter((c) => c.name === name && c.namespace === view.namespace);
  if (found.length > 1) return { problem: `${found.length} ConfigMaps are named "${String(name)}"` };
  return found[0] ? { configMap: found[0] } : {};
}

/** A volume mounted into a container: the deepest mount holding a path, and the path inside the volume. */
export interface PodMount {
  /** The mount point, normalised ("" for "/"). */
  readonly mountPath: string;
  readonly mount: Obj;
  readonly volume: Obj;
  /** The path inside the volume (subPath joined with what lies below the mount point). */
  readonly rel: string;
}

/** Which volume the container sees at the absolute `path`, the way the kubelet lays out mounts. */
export function mountAt(view: Pick<PodView, "container" | "volumes">, path: string): { found?: PodMount; problem?: string } {
  if (!path.startsWith("/") || `/${normalize(path) ?? ""}` !== path) return { problem: `${JSON.stringify(path)} is not a plain absolute path` };
  const mounts = list(view.container.volumeMounts)
    .map(obj)
    .filter((m) => m !== undefined);
  const containing = mounts
    .flatMap((m) => {
      const at = str(m.mountPath)?.startsWith("/") ? normalize(str(m.mountPath)!) : undefined;
      return at === undefined ? [] : [{ m, at: at === "" ? "" : `/${at}` }];
    })
    .filter(({ at }) => path === at || path.startsWith(`${at}/`))
    .sort((a, b) => b.at.length - a.at.length);
  const mount = containing[0];
  if (!mount) return { problem: `no volume is mounted at ${path}, so it is a file of the image the stack cannot read` };
  if (containing[1] && containing[1].at === mount.at) return { problem: `two volumes are mounted at ${mount.at}` };
  if (mount.m.subPathExpr !== undefined) return { problem: `the mount at ${mount.at} uses subPathExpr` };
  const below = path.slice(mount.at.length).replace(/^\//, "");
  const subPath = str(mount.m.subPath);
  const rel = normalize([subPath, below].filter((p) => p).join("/"));
  if (rel === undefined) return { problem: `the mount at ${mount.at} has a subPath that climbs out of its volume` };
  const volume = list(view.volumes)
    .map(obj)
    .find((v) => v !== undefined && v.name === mount.m.name);
  if (!volume) return { problem: `the mount at ${mount.at} names volume "${String(mount.m.name)}", which the Pod does not declare` };
  return { found: { mountPath: mount.at, mount: mount.m, volume, rel } };
}

/** The ConfigMap key the container sees at the absolute `path`, or why it cannot be told. */
export function readPodFile(view: PodView, path: string): { file?: PodFile; problem?: string } {
  const mounted = mountAt(view, path);
  if (!mounted.found) return { problem: mounted.problem! };
  const { volume, rel } = mounted.found;
  const { sources, problem } = sourcesOf(volume);
  if (!sources) return { problem: problem! };
  const found: { configMap: DeclaredConfigMap; key: string }[] = [];
  for (const source of sources) {
    const named = source.kind === "configMap" ? configMapNamed(view, source.spec.name) : {};
    if (named.problem) return { problem: named.problem };
    const at = keyAt(source, rel, named.configMap);
    if (at.problem) return { problem: `volume "${String(volume.name)}": ${at.problem}` };
    if (!at.provides) continue;
    if (source.kind !== "configMap") return { problem: `${path} comes from a ${source.kind}, not a ConfigMap` };
    if (!named.configMap) return { problem: `${path} comes from ConfigMap "${String(source.spec.name)}", which the stack does not declare` };
    found.push({ configMap: named.configMap, key: at.key! });
  }
  if (found.length !== 1)
    return { problem: found.length ? `${found.length} sources put a file at ${path}` : `nothing in volume "${String(volume.name)}" is at ${path}` };
  const { configMap, key } = found[0]!;
  const text = configMap.data[key];
  if (view.isUnknown(text)) return { problem: `data["${key}"] of ConfigMap ${configMap.name} is unknown at preview` };
  if (typeof text !== "string")
    return { problem: `ConfigMap ${configMap.name} has no text data["${key}"]${configMap.binaryKeys.includes(key) ? " (it is binaryData)" : ""}` };
  return { file: { configMap, key, text } };
}

/** A key of a Secret, as a container sees it at some path. */
export interface PodSecretRef {
  readonly name: string;
  readonly key: string;
}

/**
 * The Secret key the container sees at the absolute `path`: a `secret` volume (every key at its own
 * name unless `items` say otherwise) or a projected Secret source with `items`. A ConfigMap, another
 * source or an unknown name at that path is a problem.
 */
export function readPodSecretRef(view: PodView, path: string): { secret?: PodSecretRef; problem?: string } {
  const mounted = mountAt(view, path);
  if (!mounted.found) return { problem: mounted.problem! };
  const { volume, rel } = mounted.found;
  const plain = obj(volume.secret);
  const { sources, problem } = plain ? { sources: [{ kind: "secret", spec: { ...plain, name: plain.secretName } }] } : sourcesOf(volume);
  if (!sources) return { problem: problem! };
  const found: PodSecretRef[] = [];
  for (const source of sources) {
    const named = source.kind === "configMap" ? configMapNamed(view, source.spec.name) : {};
    if (named.problem) return { problem: named.problem };
    // A plain Secret volume without items puts each key at its own name.
    const at = plain && source.spec.items === undefined ? { provides: true, key: rel } : keyAt(source, rel, named.configMap);
    if (at.problem) return { problem: `volume "${String(volume.name)}": ${at.problem}` };
    if (!at.provides) continue;
    if (source.kind !== "secret") return { problem: `${path} comes from a ${source.kind}, not a Secret` };
    if (view.isUnknown(source.spec.name) || str(source.spec.name) === undefined)
      return { problem: `the name of the Secret at ${path} is unknown at preview or missing` };
    found.push({ name: str(source.spec.name)!, key: at.key! });
  }
  if (found.length !== 1)
    return { problem: found.length ? `${found.length} sources put a file at ${path}` : `nothing in volume "${String(volume.name)}" is at ${path}` };
  return { secret: found[0]! };
}

/** A ConfigMap resource's props as the reader needs them (`fallbackName`: the resource name). */
export function declaredConfigMap(props: unknown, fallbackName: string): DeclaredConfigMap {
  const p = obj(props) ?? {};
  const metadata = obj(p.metadata) ?? {};
  return {
    name: str(metadata.name) ?? fallbackName,
    ...(str(metadata.namespace) !== undefined ? { namespace: str(metadata.namespace)! } : {}),
    labels: obj(metadata.labels) ?? {},
    data: obj(p.data) ?? {},
    binaryKeys: Object.keys(obj(p.binaryData) ?? {}),
  };
}
