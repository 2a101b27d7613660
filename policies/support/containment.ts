// The `deny-<context>` ConfigMaps read back: the logins each context's deny passdb refuses, as
// Dovecot reads the file (core/containment.ts). Anything that is not exactly that file is a problem
// the rule reports (fail closed): the production Dovecot mounts the whole ConfigMap.
import { readDenyList, type DenyListReading } from "@oxmig/core/containment";
import { K8S, TYPES } from "@oxmig/core/contract";
import type { ResourceLike } from "./resources";
import { at, isUnknown, rawProps, unknownPaths } from "./unknowns";

export interface DenyListView {
  readonly urn: string;
  readonly resourceName: string;
  /** The OX context the list belongs to: its label, else the name after `deny-`. */
  readonly context: string;
  /** Paths whose value is unknown at preview (the list is computed from the plan, so none is expected). */
  readonly unknown: readonly string[];
  /** The list as Dovecot reads it; undefined when unknown or unreadable. */
  readonly reading?: DenyListReading;
  /** Why the ConfigMap is not exactly one readable deny list. */
  readonly problem?: string;
}

export function isDenyList(r: ResourceLike): boolean {
  return r.type === TYPES.configMap && (r.name.startsWith("deny-") || at(rawProps(r.props), "data", K8S.denyDataKey) !== undefined);
}

export function denyListView(r: ResourceLike): DenyListView {
  const props = rawProps(r.props);
  const key = K8S.denyDataKey;
  const raw = at(props, "data", key);
  const data = at(props, "data");
  const label = at(props, "metadata", "labels", K8S.labelContext);
  const context = typeof label === "string" && !isUnknown(label) ? label : r.name.replace(/^deny-/, "");
  const unknown = [
    ...unknownPaths(data, "data"),
    ...unknownPaths(at(props, "binaryData"), "binaryData"),
    ...unknownPaths(at(props, "metadata", "labels"), "metadata.labels"),
  ];
  const extraKeys = data && typeof data === "object" ? Object.keys(data).filter((k) => k !== key) : [];
  const problem =
    at(props, "binaryData") !== undefined
      ? "binaryData is set (a deny list is the readable login list only)"
      : extraKeys.length > 0
        ? `data holds keys besides ${key}: ${extraKeys.join(", ")}`
        : raw === undefined
          ? `data["${key}"] is missing (the deny passdb would read no file, and a missing file refuses nobody)`
          : typeof raw !== "string"
            ? `data["${key}"] is not a string`
            : undefined;
  const readable = problem === undefined && typeof raw === "string" && !isUnknown(raw);
  return {
    urn: r.urn,
    resourceName: r.name,
    context,
    unknown,
    ...(problem ? { problem } : {}),
    ...(readable ? { reading: readDenyList(raw) } : {}),
  };
}
