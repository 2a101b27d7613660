// Parses a generated inventory the way a stack reads it, so tests check what the pipeline sees.
import { resolveBindings } from "@oxmig/core/bindings";
import { parseDirectory } from "@oxmig/core/directory";
import { parseExchange } from "@oxmig/core/exchange";
import type { GeneratedInventory } from "@oxmig/core/generate";
import type { Binding, Inventory } from "@oxmig/core/model";
import { parsePlan } from "@oxmig/core/plan";

export function parseGenerated(generated: Pick<GeneratedInventory, "directoryLdif" | "exchangeCsv" | "planYaml">): Inventory {
  const files = { directory: "directory.ldif", exchange: "exchange.csv", plan: "plan.yaml" };
  return {
    files,
    people: parseDirectory(generated.directoryLdif, files.directory),
    sources: parseExchange(generated.exchangeCsv, files.exchange),
    plan: parsePlan(generated.planYaml, files.plan),
  };
}

/** Every invariant the policy gate relies on; returns the problems found (empty = consistent). */
export function consistencyProblems(inventory: Inventory, bindings: readonly Binding[] = resolveBindings(inventory)): string[] {
  const problems: string[] = [];
  const people = new Map(inventory.people.map((p) => [p.uid, p]));
  if (people.size !== inventory.people.length) problems.push("uids are not unique");
  const contextOrganisation = new Map(inventory.plan.contexts.map((c) => [c.name, c.organisation]));
  // Each normalised address must lead to exactly one mailbox owner (a person, or a functional source).
  const holder = new Map<string, string>();
  const claim = (address: string, who: string) => {
    const earlier = holder.get(address);
    if (earlier !== undefined && earlier !== who) problems.push(`${address} belongs to ${earlier} and ${who}`);
    holder.set(address, who);
  };
  for (const p of inventory.people) for (const a of [p.mail!, ...p.aliases]) claim(a.normalised, `person ${p.uid}`);
  const uidByMail = new Map(inventory.people.map((p) => [p.mail!.normalised, p.uid]));
  for (const s of inventory.sources) {
    const personUid = s.type === "UserMailbox" ? uidByMail.get(s.primarySmtp.normalised) : undefined;
    if (s.type === "UserMailbox" && !personUid) problems.push(`user mailbox ${s.primarySmtp.display} has no directory person`);
    for (const a of s.addresses) claim(a.normalised, personUid ? `person ${personUid}` : `source ${s.exchangeGuid}`);
    const person = personUid ? people.get(personUid)! : undefined;
    const expected = person
      ? [person.mail!, ...person.aliases]
          .map((a) => a.normalised)
          .sort()
          .join()
      : undefined;
    if (
      person &&
      s.addresses
        .map((a) => a.normalised)
        .sort()
        .join() !== expected
    )
      problems.push(`${person.uid}: Exchange addresses differ from the directory's`);
  }
  for (const b of bindings) {
    if (b.owner && contextOrganisation.get(b.context) !== b.owner.ou) problems.push(`${b.source.address.display} planned outside its organisation`);
    for (const uid of b.delegates) {
      const delegate = people.get(uid);
      if (!delegate || delegate.disabled || delegate.ou !== contextOrganisation.get(b.context))
        problems.push(`${b.source.address.display}: delegate ${uid} is disabled or foreign`);
    }
    if (!b.owner) continue;
    const person = people.get(b.owner.uid)!;
    if (person.disabled) problems.push(`disabled ${person.uid} is planned`);
    if (b.source.address.normalised !== person.mail?.normalised)
      problems.push(`${person.uid}: Exchange primary ${b.source.address.display} is not the directory mail`);
    if (person.objectGuid && person.objectGuid !== b.source.ownerGuid) problems.push(`${person.uid}: Exchange Guid is not the objectGUID`);
  }
  return problems;
}
