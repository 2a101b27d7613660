// Which plan line a finding is about. Rules report a mailbox by its primary address or id, or a
// resource named after the id; the plan keys its lines by source. Where one id or address stands for
// several plan lines (one person named owner of two sources), the finding goes to the line whose
// source it names, else to the line whose source the exports do not give to its owner: the line to fix.
import type { Binding, Inventory } from "@oxmig/core/model";
import { sourceEvidence } from "@oxmig/core/source-ownership";
import type { GateViolation, MailboxSubject } from "../engine/types";

export interface BindingLookup {
  readonly byId: ReadonlyMap<string, readonly Binding[]>;
  /** Primary address (as displayed and normalised) → bindings, in plan order. */
  readonly byAddress: ReadonlyMap<string, readonly Binding[]>;
  /** Plan line → binding. */
  readonly byLine: ReadonlyMap<number, Binding>;
  /** Whether the exports give the binding's source to someone other than its owner (personal mailboxes). */
  readonly misbound: (b: Binding) => boolean;
}

function add<K>(map: Map<K, Binding[]>, key: K, b: Binding): void {
  const list = map.get(key);
  if (!list) map.set(key, [b]);
  else if (!list.includes(b)) list.push(b);
}

/** Maps built once per gate: thousands of findings each look up their mailbox. */
export function bindingLookup(bindings: readonly Binding[], inventory: Pick<Inventory, "people" | "sources">): BindingLookup {
  const byId = new Map<string, Binding[]>();
  const byAddress = new Map<string, Binding[]>();
  const byLine = new Map<number, Binding>();
  for (const b of bindings) {
    add(byId, b.mailboxId, b);
    for (const a of [b.primaryAddress.display, b.primaryAddress.normalised]) add(byAddress, a, b);
    byLine.set(b.planLine, b);
  }
  // Only asked when one id stands for several lines: built on first use.
  let evidence: ReturnType<typeof sourceEvidence> | undefined;
  const misbound = (b: Binding) => {
    if (!b.owner) return false;
    evidence ??= sourceEvidence(inventory.people, inventory.sources);
    const source = evidence.sourceByGuid.get(b.source.exchangeGuid);
    const owner = source ? evidence.ownerOf(source) : undefined;
    return owner !== undefined && owner.person.immutableId !== b.owner.immutableId;
  };
  return { byId, byAddress, byLine, misbound };
}

/** The one line among several candidates a finding is about (see the header). */
function pick(candidates: readonly Binding[] | undefined, v: GateViolation, lookup: BindingLookup): Binding | undefined {
  if (!candidates || candidates.length <= 1) return candidates?.[0];
  // A source's address also names the mailbox when it is its owner's own address: only the
  // ExchangeGuid, or an address that is not the mailbox's own, tells the lines apart.
  const names = (b: Binding) =>
    v.message.includes(b.source.exchangeGuid) || (b.source.address.normalised !== b.primaryAddress.normalised && v.message.includes(b.source.address.display));
  const named = candidates.filter(names);
  if (named.length === 1) return named[0];
  const misbound = (named.length ? named : candidates).filter(lookup.misbound);
  return misbound.length === 1 ? misbound[0] : candidates[0];
}

/** The plan line's mailbox as a reviewer recognises it: its source, then the person (or the functional mailbox). */
export function subjectOf(b: Binding): MailboxSubject {
  return {
    source: b.source.address.display,
    kind: b.kind,
    mailboxId: b.mailboxId,
    ...(b.owner ? { owner: { uid: b.owner.uid, displayName: b.owner.displayName, organisation: b.owner.ou } } : {}),
    displayName: b.displayName,
  };
}

/**
 * Fills mailbox, identity, plan line and subject: from the plan line the rule named, else the
 * resource name (names carry the mailbox id), else the reported mailbox (address or id).
 */
export function attribute(v: GateViolation, lookup: BindingLookup, planFile: string): GateViolation {
  const name = v.urn?.split("::").pop() ?? "";
  const id = /^(?:oxuser|key|mbx)-(.+)$/.exec(name)?.[1];
  const atLine = v.file === planFile && v.line !== undefined ? lookup.byLine.get(v.line) : undefined;
  const reported = v.mailbox !== undefined ? (lookup.byAddress.get(v.mailbox) ?? lookup.byId.get(v.mailbox)) : undefined;
  const binding = atLine ?? pick(id ? lookup.byId.get(id) : reported, v, lookup);
  if (!binding) return v;
  return {
    ...v,
    mailbox: v.mailbox ?? binding.primaryAddress.display,
    ...(v.identity === undefined && binding.owner ? { identity: binding.owner.uid } : {}),
    ...(v.file === undefined ? { file: planFile, line: binding.planLine } : {}),
    subject: subjectOf(binding),
  };
}
