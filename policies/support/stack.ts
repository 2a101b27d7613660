// One pass over a stack's resources into the views the stack rules share (O(n), maps only).
import { TYPES } from "../../core/contract";
import {
  isPairingTable,
  isUserdb,
  keyView,
  oxUserView,
  pairingView,
  userdbView,
  type KeyView,
  type OxUserView,
  type PairingView,
  type ResourceLike,
  type UserdbView,
} from "./resources";

export interface StackView {
  readonly users: readonly OxUserView[];
  /** Key resources by Pulumi name (`key-<mailboxId>`). */
  readonly keys: ReadonlyMap<string, KeyView>;
  readonly userdbs: readonly UserdbView[];
  readonly pairings: readonly PairingView[];
}

const views = new WeakMap<readonly ResourceLike[], StackView>();

export function stackView(resources: readonly ResourceLike[]): StackView {
  const hit = views.get(resources);
  if (hit) return hit;
  const users: OxUserView[] = [];
  const keys = new Map<string, KeyView>();
  const userdbs: UserdbView[] = [];
  const pairings: PairingView[] = [];
  for (const r of resources) {
    if (r.type === TYPES.oxUser) users.push(oxUserView(r));
    else if (r.type === TYPES.key) keys.set(r.name, keyView(r));
    else if (isUserdb(r)) userdbs.push(userdbView(r));
    else if (isPairingTable(r)) pairings.push(pairingView(r));
  }
  const view = { users, keys, userdbs, pairings };
  views.set(resources, view);
  return view;
}

/** Groups values by a key, keeping every member (for "exactly one" checks). */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
