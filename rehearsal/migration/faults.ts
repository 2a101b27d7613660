// Deliberate faults for demonstrations and tests: each one transforms the rendered inputs of a run
// (userdb lines, pairings, routing) the way a real mistake would; the rest of the run is unchanged.
import { toAddress } from "@oxmig/core/address";
import { UsageError } from "@oxmig/core/errors";
import type { Binding } from "@oxmig/core/model";
import type { RunInputs } from "./inputs";

/** Faults of the lifecycle rehearsal (`--lifecycle`): a wrong doveadm run after cut-over, for every pair. */
export const LIFECYCLE_FAULT_KINDS = ["backup-after-cut-over", "sync-without-state"] as const;
export type LifecycleFaultKind = (typeof LIFECYCLE_FAULT_KINDS)[number];
const BINDING_FAULT_KINDS = ["wrong-home", "swapped-keys", "swapped-pair", "misrouted-alias"] as const;
export const FAULT_KINDS = [...BINDING_FAULT_KINDS, ...LIFECYCLE_FAULT_KINDS] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type Fault =
  | {
      readonly kind: (typeof BINDING_FAULT_KINDS)[number];
      /** `<uidA>,<uidB>` or, for misrouted-alias, `<address>,<uid>`. */ readonly args: readonly [string, string];
    }
  | { readonly kind: LifecycleFaultKind; readonly args: readonly [] };

const USAGE =
  "expected wrong-home:<uidA>,<uidB>, swapped-keys:<uidA>,<uidB>, swapped-pair:<uidA>,<uidB>, misrouted-alias:<address>,<uid>, or (with --lifecycle) backup-after-cut-over or sync-without-state";

export function isLifecycleFault(fault: Fault): fault is Extract<Fault, { kind: LifecycleFaultKind }> {
  return (LIFECYCLE_FAULT_KINDS as readonly string[]).includes(fault.kind);
}

export function parseFault(raw: string): Fault {
  if ((LIFECYCLE_FAULT_KINDS as readonly string[]).includes(raw)) return { kind: raw as LifecycleFaultKind, args: [] };
  const colon = raw.indexOf(":");
  const kind = raw.slice(0, colon) as (typeof BINDING_FAULT_KINDS)[number];
  const args = raw
    .slice(colon + 1)
    .split(",")
    .map((s) => s.trim());
  if (colon < 0 || !BINDING_FAULT_KINDS.includes(kind) || args.length !== 2 || args.some((a) => a === "")) {
    throw new UsageError(`Invalid value for --inject: "${raw}". ${USAGE}.`);
  }
  return { kind, args: [args[0]!, args[1]!] };
}

/** The mailbox of a person's uid (owner) or of a Dovecot login (any mailbox kind). */
export function bindingByUid(bindings: readonly Binding[], uid: string, fault: Fault): Binding {
  const key = uid.toLowerCase();
  const found = bindings.find((b) => b.owner?.uid.toLowerCase() === key) ?? bindings.find((b) => b.dovecotLogin === key);
  if (!found) throw new UsageError(`--inject ${fault.kind}: "${uid}" is neither an owner uid nor a Dovecot login of the rehearsed mailboxes`);
  return found;
}

function aliasOwner(bindings: readonly Binding[], raw: string, fault: Fault): Binding {
  let normalised: string;
  try {
    normalised = toAddress(raw).normalised;
  } catch (err) {
    throw new UsageError(`--inject ${fault.kind}: ${(err as Error).message}`);
  }
  const found = bindings.find((b) => b.addresses.some((a) => a.normalised === normalised));
  if (!found) throw new UsageError(`--inject ${fault.kind}: no rehearsed mailbox has the address "${raw}"`);
  return found;
}

/** The mailboxes a fault involves (a sample must keep them); none for a lifecycle fault (it hits every pair). */
export function faultBindings(bindings: readonly Binding[], fault: Fault): Binding[] {
  if (isLifecycleFault(fault)) return [];
  const first = fault.kind === "misrouted-alias" ? aliasOwner(bindings, fault.args[0], fault) : bindingByUid(bindings, fault.args[0], fault);
  const second = bindingByUid(bindings, fault.args[1], fault);
  if (first.mailboxId === second.mailboxId) throw new UsageError(`--inject ${fault.kind}: both arguments name the same mailbox (${second.dovecotLogin})`);
  return [first, second];
}

export function applyFault(inputs: RunInputs, bindings: readonly Binding[], fault: Fault): RunInputs {
  if (isLifecycleFault(fault)) return inputs; // changes the doveadm runs, not the rendered inputs
  const [a, b] = faultBindings(bindings, fault) as [Binding, Binding];
  const lineOf = (x: Binding) => inputs.userdbLines.find((l) => l.login === x.dovecotLogin)!;
  switch (fault.kind) {
    case "wrong-home":
      return { ...inputs, userdbLines: inputs.userdbLines.map((l) => (l.login === a.dovecotLogin ? { ...l, home: lineOf(b).home } : l)) };
    case "swapped-keys": {
      const [keyA, keyB] = [lineOf(a).keyPassword, lineOf(b).keyPassword];
      const swap = (login: string, key: string) => (login === a.dovecotLogin ? keyB : login === b.dovecotLogin ? keyA : key);
      return { ...inputs, userdbLines: inputs.userdbLines.map((l) => ({ ...l, keyPassword: swap(l.login, l.keyPassword) })) };
    }
    case "swapped-pair": {
      const swap = (target: string) => (target === a.dovecotLogin ? b.dovecotLogin : target === b.dovecotLogin ? a.dovecotLogin : target);
      const pairings = new Map([...inputs.pairings].map(([wave, list]) => [wave, list.map((p) => ({ ...p, targetLogin: swap(p.targetLogin) }))]));
      return { ...inputs, pairings };
    }
    case "misrouted-alias": {
      const address = toAddress(fault.args[0]).normalised;
      return { ...inputs, routes: new Map([...inputs.routes, [address, b.dovecotLogin]]) };
    }
  }
}

export function applyFaults(inputs: RunInputs, bindings: readonly Binding[], faults: readonly Fault[]): RunInputs {
  return faults.reduce((current, fault) => applyFault(current, bindings, fault), inputs);
}
