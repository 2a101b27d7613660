// Lays out a declared pod's container filesystems under a folder, the way the kubelet mounts them
// (ConfigMap and Secret files by `items` or by key, projected sources, emptyDirs and PVCs shared by
// every container that mounts them), so a test can run the Job's own files with real programs.
// Pod paths in the written files are moved under the container's folder (`reRoot`); nothing else changes.
import { symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { mkdirOwned, writeOwned } from "../../../rehearsal/dovecot/run-as";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a declared pod spec, read loosely

export interface DeclaredData {
  /** ConfigMap name → data. */
  readonly configMaps: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Secret name → data (plain text, as stringData). */
  readonly secrets: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Replaces each pod path prefix with the same path under `root`, in one pass. */
export function reRoot(text: string, root: string, prefixes: readonly string[]): string {
  const pattern = new RegExp(prefixes.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  return text.replace(pattern, (prefix) => `${root}${prefix}`);
}

function writeKeys(
  target: string,
  data: Readonly<Record<string, string>> | undefined,
  items: Obj[] | undefined,
  what: string,
  rewrite: (t: string) => string,
): void {
  if (!data) throw new Error(`${what} is not among the test's declared data`);
  const entries = items ? items.map((i) => [i.path as string, data[i.key as string]] as const) : Object.entries(data);
  for (const [path, text] of entries) {
    if (text === undefined) throw new Error(`${what} has no key for ${path}`);
    mkdirOwned(dirname(join(target, path)));
    writeOwned(join(target, path), rewrite(text));
  }
}

/** Writes container `name`'s view of the pod under `<root>/<name>` and returns that folder. */
export function layOutContainer(root: string, pod: Obj, name: string, data: DeclaredData, prefixes: readonly string[]): string {
  const container = [...(pod.initContainers ?? []), ...pod.containers].find((c: Obj) => c.name === name);
  if (!container) throw new Error(`no container ${name}`);
  const croot = join(root, name);
  const rewrite = (text: string) => reRoot(text, croot, prefixes);
  for (const mount of container.volumeMounts as Obj[]) {
    if (mount.subPath !== undefined) throw new Error(`mount ${mount.mountPath}: subPath is not laid out by this helper`);
    const volume = (pod.volumes as Obj[]).find((v) => v.name === mount.name)!;
    const target = join(croot, mount.mountPath);
    if (volume.emptyDir || volume.persistentVolumeClaim) {
      // One folder per volume, seen by every container that mounts it.
      const shared = join(root, "volumes", volume.persistentVolumeClaim?.claimName ?? volume.name);
      mkdirOwned(shared);
      mkdirOwned(dirname(target));
      symlinkSync(shared, target);
      continue;
    }
    const sources: Obj[] = volume.projected
      ? volume.projected.sources
      : [volume.configMap ? { configMap: volume.configMap } : { secret: { ...volume.secret, name: volume.secret.secretName } }];
    mkdirOwned(target);
    for (const source of sources) {
      if (source.configMap) writeKeys(target, data.configMaps[source.configMap.name], source.configMap.items, `ConfigMap ${source.configMap.name}`, rewrite);
      else writeKeys(target, data.secrets[source.secret.name], source.secret.items, `Secret ${source.secret.name}`, rewrite);
    }
  }
  return croot;
}
