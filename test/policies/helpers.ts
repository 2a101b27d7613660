// Builds CrossGuard validation args from plain resource records and runs one policy over them,
// the way pulumi-policy-aws's test util does, with props behind the SDK's unknown-checking proxy.
import fs from "node:fs";
import path from "node:path";
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { expect } from "vitest";
import { TYPES, USER_ATTRIBUTES } from "@oxmig/core/contract";
import { homeFor, keyNameFor } from "@oxmig/core/ids";
import { renderLock, type LockEntry } from "@oxmig/core/lock";
import { FIXTURE_MAILBOXES, type MailboxSpec, type ResourceRecord } from "../fixtures/policies/plan";
import { policyTempDir } from "./temp-dirs";

// The SDK's own proxy (internal, so untyped): reading an unknown through it throws, as in the engine.
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as { unknownCheckingProxy: <T>(props: T) => T };

export const FIXTURES = path.join(__dirname, "..", "fixtures", "policies");
/** The wire sentinel of an unknown string (what preview sends for a not-yet-known input). */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** How every rule ends the message of a value it cannot judge at preview. */
export const UNKNOWN_AT_PREVIEW = "is unknown at preview; binding-critical values must be known";
/** An id that is in neither export (no owner, no source, no mailbox). */
export const MISSING_ID = "00000000-0000-4000-8000-0000000000ff";
/** How messages name Jan's mailbox in the fixture plan. */
export const JAN_MAILBOX = "mailbox jan.schmidt@fa-luebeck.example (owner jschmidt)";

export interface PackConfigInput {
  directory?: string;
  exchange?: string;
  lock?: string;
  stackKind?: string;
  productionDomains?: string[];
  mailRoot?: string;
  contextOrganisations?: Record<string, string>;
}

export function config(overrides: PackConfigInput = {}): PackConfigInput {
  return { directory: path.join(FIXTURES, "directory.ldif"), exchange: path.join(FIXTURES, "exchange.csv"), stackKind: "staging", ...overrides };
}

const urnOf = (r: ResourceRecord) => `urn:pulumi:test::oxmig::${r.type}::${r.name}`;
const options = (r: ResourceRecord) => ({
  protect: r.protect,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
  ...(r.parent ? { parent: r.parent } : {}),
});

export function resourceArgs(r: ResourceRecord, cfg: unknown): ResourceValidationArgs {
  const props = unknownCheckingProxy(structuredClone(r.props));
  return {
    type: r.type,
    props,
    urn: urnOf(r),
    name: r.name,
    opts: options(r),
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T>() => cfg as T,
    notApplicable: () => {
      throw new Error("not applicable");
    },
  } as ResourceValidationArgs;
}

export function stackArgs(records: readonly ResourceRecord[], cfg: unknown): StackValidationArgs {
  const resources: PolicyResource[] = records.map((r) => ({
    type: r.type,
    props: unknownCheckingProxy(structuredClone(r.props)),
    urn: urnOf(r),
    name: r.name,
    opts: options(r),
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  })) as unknown as PolicyResource[];
  return { resources, getConfig: <T>() => cfg as T, stackTags: new Map(), notApplicable: () => undefined } as unknown as StackValidationArgs;
}

export interface Violation {
  readonly message: string;
  readonly urn?: string;
}

/** Runs a resource policy on every record, or a stack policy once over all of them. */
export async function run(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  records: readonly ResourceRecord[],
  cfg: unknown = config(),
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const report = (message: string, urn?: string) => void violations.push({ message, ...(urn ? { urn } : {}) });
  if ("validateStack" in policy) {
    await policy.validateStack(stackArgs(records, cfg), report);
    return violations;
  }
  const validations = [policy.validateResource ?? []].flat();
  for (const r of records) for (const v of validations) await v(resourceArgs(r, cfg), report);
  return violations;
}

/** The messages alone, for tests that pin a rule's exact wording. */
export async function messagesOf(...args: Parameters<typeof run>): Promise<string[]> {
  return (await run(...args)).map((v) => v.message);
}

export function expectNone(violations: readonly Violation[]): void {
  expect(violations.map((v) => v.message)).toEqual([]);
}

/** Asserts a violation containing every substring, printing all violations when none matches. */
export function expectViolation(violations: readonly Violation[], ...parts: string[]): void {
  const hit = violations.some((v) => parts.every((p) => v.message.includes(p)));
  if (!hit) expect.fail(`no violation containing ${JSON.stringify(parts)}; got:\n${violations.map((v) => `  ${v.message}`).join("\n") || "  (none)"}`);
}

/** The OX user record of a mailbox id. */
export function oxUser(records: readonly ResourceRecord[], id: string): ResourceRecord {
  const found = records.find((r) => r.type === TYPES.oxUser && r.name === `oxuser-${id}`);
  if (!found) throw new Error(`fixture has no OX user ${id}`);
  return found;
}

export function record(records: readonly ResourceRecord[], name: string): ResourceRecord {
  const found = records.find((r) => r.name === name);
  if (!found) throw new Error(`fixture has no resource ${name}`);
  return found;
}

export const attrs = (r: ResourceRecord): Record<string, string> => r.props.userAttributes;
export { USER_ATTRIBUTES };

/** Rewrites a JSON-valued string property (userdb index, pairing table) in place. */
export function editJson<T>(holder: Record<string, string>, key: string, edit: (value: T[]) => void): void {
  const value = JSON.parse(holder[key]!) as T[];
  edit(value);
  holder[key] = JSON.stringify(value);
}

/** The lock a reviewer approved for the fixture plan, written by hand from the specs. */
export function lockEntries(mailboxes: readonly MailboxSpec[] = FIXTURE_MAILBOXES, sources: Record<string, string> = SOURCE_ADDRESSES): LockEntry[] {
  return mailboxes.map((m) => ({
    mailbox: m.id,
    kind: m.kind,
    wave: m.wave,
    context: m.context,
    ...(m.owner ? { owner: { id: m.owner, uid: m.login } } : {}),
    source: { address: sources[m.sourceGuid]!, exchangeGuid: m.sourceGuid },
    login: m.login,
    home: homeFor(m.id),
    key: { name: keyNameFor(m.id), keeper: m.id },
    addresses: [m.primary, ...[...m.aliases].sort()],
  }));
}

const SOURCE_ADDRESSES: Record<string, string> = Object.fromEntries(FIXTURE_MAILBOXES.map((m) => [m.sourceGuid, m.primary]));

export function writeLock(entries: readonly LockEntry[]): string {
  const dir = policyTempDir("oxmig-lock-");
  const file = path.join(dir, "bindings.lock.yaml");
  fs.writeFileSync(file, renderLock({ lockVersion: 1, stack: "staging", waves: { w01: { phase: "copying" }, w02: { phase: "copying" } }, mailboxes: entries }));
  return file;
}
