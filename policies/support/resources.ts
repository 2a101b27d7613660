// Typed, proxy-free views of the resources the program declares (docs/resources.md).
// Every view lists the binding-critical paths that are unknown, so rules can fail closed.
import { K8S, TYPES, USER_ATTRIBUTES, type Pairing, type UserdbIndexEntry } from "@oxmig/core/contract";
import { requestProps } from "@oxmig/core/engine-hints";
import { at, isUnknown, rawProps, unknownPaths } from "./unknowns";

/** The parts of a ResourceValidationArgs / PolicyResource the views need. */
export interface ResourceLike {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly opts: { readonly protect: boolean };
}

interface Base {
  readonly urn: string;
  readonly resourceName: string;
  readonly protect: boolean;
  /** Binding-critical paths whose value is unknown (preview). */
  readonly unknown: readonly string[];
}

export interface OxUserView extends Base {
  readonly mailboxId?: string;
  readonly ownerId?: string;
  readonly kind?: string;
  readonly sourceGuid?: string;
  readonly keyName?: string;
  readonly contextException?: string;
  /** The plan's containment reason (userAttribute oxmig/containment), when declared. */
  readonly containment?: string;
  /** OX `mailenabled` as declared (false: the user is disabled); undefined when not declared or unknown. */
  readonly mailEnabled?: boolean;
  readonly contextName?: string;
  /** OX context id the user is created in, when known (a number). */
  readonly contextId?: number;
  readonly oxName?: string;
  readonly imapLogin?: string;
  readonly primaryEmail?: string;
  /** Every address field with its name: primaryEmail, email1, defaultSenderAddress, aliases[i]. */
  readonly addresses: readonly { readonly field: string; readonly value: string }[];
  /** The existing OX user (id in its context) this mailbox takes over (adoption file, docs/adoption.md), when declared. */
  readonly adoptUserId?: number;
}

export interface KeyView extends Base {
  readonly keeper?: string;
  /** Every keeper name the key declares (a change of any of them replaces the key). */
  readonly keeperNames: readonly string[];
  /** The key's `result` output, when known (stack validation after keys exist). Secret: never print. */
  readonly result?: string;
  /** Only when the engine passes it (the analyzer protocol of @pulumi/policy 1.21 does not). */
  readonly retainOnDelete?: boolean;
}

export interface UserdbView extends Base {
  readonly context: string;
  readonly index?: readonly UserdbIndexEntry[];
  /** Why the index annotation could not be read (missing, not JSON, wrong shape). */
  readonly indexProblem?: string;
  /**
   * The passwd-file as Kubernetes writes it when known: `stringData` is merged over `data` (base64)
   * key by key on write, so `stringData.passwd` wins. Secret: compare, never print.
   */
  readonly passwd?: string;
  /** Where the passwd came from. */
  readonly passwdFrom?: "stringData" | "data";
  /** The path whose value is unknown at preview (then `passwd` is unset). */
  readonly passwdUnknown?: string;
  /** Why the passwd cannot be read: missing from both, not a string, not valid base64. */
  readonly passwdProblem?: string;
}

export interface PairingView extends Base {
  readonly wave: string;
  readonly pairings?: readonly Pairing[];
  readonly problem?: string;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && !isUnknown(v) ? v : undefined);

type ViewKind = "user" | "key" | "userdb" | "pairing";
const viewCache = new WeakMap<object, { urn: string; name: string; opts: string; views: Map<ViewKind, unknown> }>();

/**
 * A view built once per request resource, not once per policy (every policy reads the same views).
 * Only for props the gate's engine decoded once for a whole request (core/engine-hints.ts); under
 * the CLI every call builds its own.
 */
function cachedView<T>(kind: ViewKind, r: ResourceLike, build: (props: Record<string, unknown>) => T): T {
  const request = requestProps(r.props);
  if (!request) return build(rawProps(r.props));
  const props = request.plain;
  // The options the views read (protect; retainOnDelete for keys).
  const opts = `${r.opts.protect === true}/${String((r.opts as { retainOnDelete?: unknown }).retainOnDelete)}`;
  let entry = viewCache.get(request);
  if (!entry || entry.urn !== r.urn || entry.name !== r.name || entry.opts !== opts) {
    entry = { urn: r.urn, name: r.name, opts, views: new Map() };
    viewCache.set(request, entry);
  }
  if (!entry.views.has(kind)) entry.views.set(kind, build(props));
  return entry.views.get(kind) as T;
}

function base(r: ResourceLike, unknown: string[]): Base {
  return { urn: r.urn, resourceName: r.name, protect: r.opts.protect === true, unknown };
}

const USER_FIELDS = {
  mailboxId: USER_ATTRIBUTES.mailboxId,
  ownerId: USER_ATTRIBUTES.ownerId,
  kind: USER_ATTRIBUTES.kind,
  sourceGuid: USER_ATTRIBUTES.sourceGuid,
  keyName: USER_ATTRIBUTES.keyName,
} as const;

export function oxUserView(r: ResourceLike): OxUserView {
  return cachedView("user", r, (props) => buildOxUserView(r, props));
}

function buildOxUserView(r: ResourceLike, props: Record<string, unknown>): OxUserView {
  const addresses: { field: string; value: string }[] = [];
  for (const field of ["primaryEmail", "email1", "defaultSenderAddress"]) {
    const value = str(props[field]);
    if (value !== undefined) addresses.push({ field, value });
  }
  const aliases = props.aliases;
  if (Array.isArray(aliases)) {
    aliases.forEach((a, i) => {
      const value = str(a);
      if (value !== undefined) addresses.push({ field: `aliases[${i}]`, value });
    });
  }
  const view: { -readonly [K in keyof OxUserView]: OxUserView[K] } = { ...base(r, unknownPaths(props)), addresses };
  const attributes = at(props, "userAttributes");
  for (const [field, key] of Object.entries(USER_FIELDS)) {
    const value = str(at(attributes, key));
    if (value !== undefined) view[field as keyof typeof USER_FIELDS] = value;
  }
  const set = (field: "contextException" | "containment" | "contextName" | "oxName" | "imapLogin" | "primaryEmail", value: unknown) => {
    const known = str(value);
    if (known !== undefined) view[field] = known;
  };
  set("contextException", at(attributes, CONTEXT_EXCEPTION));
  set("containment", at(attributes, USER_ATTRIBUTES.containment));
  if (typeof props.mailEnabled === "boolean") view.mailEnabled = props.mailEnabled;
  set("contextName", props.contextName);
  set("oxName", props.name);
  set("imapLogin", props.imapLogin);
  set("primaryEmail", props.primaryEmail);
  if (typeof props.contextId === "number") view.contextId = props.contextId;
  if (typeof props.adoptUserId === "number") view.adoptUserId = props.adoptUserId;
  return view;
}

/** userAttribute carrying the plan's reason for a context other than the owner's organisation. */
export const CONTEXT_EXCEPTION = USER_ATTRIBUTES.contextException;

export function keyView(r: ResourceLike): KeyView {
  return cachedView("key", r, (props) => buildKeyView(r, props));
}

function buildKeyView(r: ResourceLike, props: Record<string, unknown>): KeyView {
  const keeper = at(props, "keepers", "mailboxId");
  const keepers = at(props, "keepers");
  const retain = (r.opts as { retainOnDelete?: unknown }).retainOnDelete;
  const result = str(props.result);
  return {
    ...base(r, unknownPaths(at(props, "keepers"), "keepers")),
    ...(str(keeper) !== undefined ? { keeper: str(keeper) } : {}),
    keeperNames: keepers && typeof keepers === "object" ? Object.keys(keepers) : [],
    ...(result !== undefined ? { result } : {}),
    ...(typeof retain === "boolean" ? { retainOnDelete: retain } : {}),
  };
}

function parseJsonArray<T>(raw: unknown, what: string): { value?: T[]; problem?: string } {
  if (typeof raw !== "string") return { problem: `${what} is missing` };
  try {
    const value = JSON.parse(raw) as unknown;
    return Array.isArray(value) ? { value: value as T[] } : { problem: `${what} is not a JSON array` };
  } catch (err) {
    return { problem: `${what} is not valid JSON (${(err as Error).message})` };
  }
}

const INDEX_FIELDS = ["login", "home", "mailboxId", "keyName"] as const;
const PAIRING_FIELDS = ["mailboxId", "sourceLogin", "sourceExchangeGuid", "targetLogin"] as const;

function checkShape<T>(list: T[] | undefined, fields: readonly string[], what: string): string | undefined {
  const bad = list?.findIndex((e) => !e || typeof e !== "object" || fields.some((f) => typeof (e as Record<string, unknown>)[f] !== "string"));
  return bad !== undefined && bad >= 0 ? `${what} entry ${bad} lacks one of ${fields.join(", ")}` : undefined;
}

export function userdbView(r: ResourceLike): UserdbView {
  return cachedView("userdb", r, (props) => buildUserdbView(r, props));
}

function buildUserdbView(r: ResourceLike, props: Record<string, unknown>): UserdbView {
  const indexRaw = at(props, "metadata", "annotations", K8S.annotationUserdbIndex);
  const indexPath = `metadata.annotations["${K8S.annotationUserdbIndex}"]`;
  const parsed = isUnknown(indexRaw) ? {} : parseJsonArray<UserdbIndexEntry>(indexRaw, indexPath);
  const problem = parsed.problem ?? checkShape(parsed.value, INDEX_FIELDS, indexPath);
  const passwd = readUserdbPasswd(props);
  const context = str(at(props, "metadata", "labels", K8S.labelContext)) ?? r.name.replace(/^userdb-/, "");
  return {
    ...base(r, isUnknown(indexRaw) ? [indexPath] : []),
    context,
    ...(problem ? { indexProblem: problem } : parsed.value ? { index: parsed.value } : {}),
    ...passwd,
  };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The passwd key of a Secret as the kubelet will write the file: stringData over data. */
function readUserdbPasswd(props: Record<string, unknown>): Pick<UserdbView, "passwd" | "passwdFrom" | "passwdUnknown" | "passwdProblem"> {
  const key = K8S.userdbDataKey;
  for (const field of ["stringData", "data"] as const) {
    const bag = props[field];
    if (isUnknown(bag)) return { passwdUnknown: field };
    const value = at(bag, key);
    if (value === undefined) continue;
    const path = `${field}["${key}"]`;
    if (isUnknown(value)) return { passwdUnknown: path };
    if (typeof value !== "string") return { passwdProblem: `${path} is not a string` };
    if (field === "stringData") return { passwd: value, passwdFrom: field };
    // Kubernetes decodes `data` strictly (Go's base64.StdEncoding); Buffer.from would accept junk.
    if (!BASE64.test(value)) return { passwdProblem: `${path} is not valid base64` };
    return { passwd: Buffer.from(value, "base64").toString("utf8"), passwdFrom: field };
  }
  return { passwdProblem: `the Secret holds no passwd-file (neither stringData nor data has "${key}")` };
}

export function pairingView(r: ResourceLike): PairingView {
  return cachedView("pairing", r, (props) => buildPairingView(r, props));
}

function buildPairingView(r: ResourceLike, props: Record<string, unknown>): PairingView {
  const tableRaw = at(props, "data", K8S.pairingsDataKey);
  const tablePath = `data["${K8S.pairingsDataKey}"]`;
  const parsed = isUnknown(tableRaw) ? {} : parseJsonArray<Pairing>(tableRaw, tablePath);
  const problem = parsed.problem ?? checkShape(parsed.value, PAIRING_FIELDS, tablePath);
  const wave = str(at(props, "metadata", "labels", K8S.labelWave)) ?? r.name.replace(/^pairings-/, "");
  const unknown = [...(isUnknown(tableRaw) ? [tablePath] : []), ...unknownPaths(at(props, "metadata", "labels"), "metadata.labels")];
  return { ...base(r, unknown), wave, ...(problem ? { problem } : parsed.value ? { pairings: parsed.value } : {}) };
}

/** Is this ConfigMap the pairing table (and not some other ConfigMap)? */
export function isPairingTable(r: ResourceLike): boolean {
  return r.type === TYPES.configMap && (r.name.startsWith("pairings-") || at(rawProps(r.props), "data", K8S.pairingsDataKey) !== undefined);
}

export function isUserdb(r: ResourceLike): boolean {
  return r.type === TYPES.secret && (r.name.startsWith("userdb-") || at(rawProps(r.props), "metadata", "annotations", K8S.annotationUserdbIndex) !== undefined);
}

/** The `acl-<context>` ConfigMap: the `doveadm acl set` script that grants delegates (core/acl-grants.ts). */
export interface AclView extends Base {
  readonly context?: string;
  /** The script as doveadm will be handed it; undefined when unknown or missing (see problem). */
  readonly script?: string;
  /** Why the script cannot be read as the only content of the ConfigMap. */
  readonly problem?: string;
}

export function isAclGrants(r: ResourceLike): boolean {
  return r.type === TYPES.configMap && (r.name.startsWith("acl-") || at(rawProps(r.props), "data", K8S.aclScriptKey) !== undefined);
}

export function aclView(r: ResourceLike): AclView {
  const props = rawProps(r.props);
  const scriptPath = `data["${K8S.aclScriptKey}"]`;
  const raw = at(props, "data", K8S.aclScriptKey);
  const unknown = [
    ...unknownPaths(at(props, "data"), "data"),
    ...unknownPaths(at(props, "binaryData"), "binaryData"),
    ...unknownPaths(at(props, "metadata", "labels"), "metadata.labels"),
  ];
  const context = str(at(props, "metadata", "labels", K8S.labelContext));
  // Anything besides the script (binaryData, other keys) would be mounted next to it: not what was checked.
  const data = at(props, "data");
  const extraKeys = data && typeof data === "object" ? Object.keys(data).filter((k) => k !== K8S.aclScriptKey) : [];
  const problem =
    at(props, "binaryData") !== undefined
      ? "binaryData is set (the grants must be the readable script only)"
      : extraKeys.length > 0
        ? `data holds keys besides ${K8S.aclScriptKey}: ${extraKeys.join(", ")}`
        : raw === undefined
          ? `${scriptPath} is missing`
          : typeof raw !== "string"
            ? `${scriptPath} is not a string`
            : undefined;
  return {
    ...base(r, unknown),
    ...(context !== undefined ? { context } : {}),
    ...(problem ? { problem } : typeof raw === "string" && !isUnknown(raw) ? { script: raw } : {}),
  };
}
