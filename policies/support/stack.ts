// One pass over a stack's resources into the views the stack rules share (O(n), maps only).
import { TYPES } from "@oxmig/core/contract";
import { requestProps } from "@oxmig/core/engine-hints";
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
/** Per request: the SDK hands every stack policy a new array of new objects around the same props. */
const requestViews = new WeakMap<object, { length: number; last: object; view: StackView }>();

/** The first and last resource's props identify a request the gate's engine decoded once (core/engine-hints.ts). */
function requestKey(resources: readonly ResourceLike[]): { first: object; last: object } | undefined {
  if (resources.length === 0) return undefined;
  const first = requestProps(resources[0]!.props);
  const last = requestProps(resources[resources.length - 1]!.props);
  return first && last ? { first, last } : undefined;
}

export function stackView(resources: readonly ResourceLike[]): StackView {
  const hit = views.get(resources);
  if (hit) return hit;
  const key = requestKey(resources);
  const shared = key && requestViews.get(key.first);
  if (key && shared && shared.length === resources.length && shared.last === key.last) return shared.view;
  const view = buildStackView(resources);
  views.set(resources, view);
  if (key) requestViews.set(key.first, { length: resources.length, last: key.last, view });
  return view;
}

function buildStackView(resources: readonly ResourceLike[]): StackView {
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
  return { users, keys, userdbs, pairings };
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
