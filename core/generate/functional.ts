// Shared, room and equipment mailboxes per organisation, each with its own (disabled) AD account.
import type { Claims } from "./claims";
import type { Organisation } from "./organisations";
import type { GeneratedPerson } from "./population";
import type { Random } from "./random";

export type FunctionalKind = "shared" | "room" | "equipment";

export interface GeneratedFunctional {
  readonly kind: FunctionalKind;
  /** Exchange Alias, unique across the inventory. */
  readonly alias: string;
  readonly displayName: string;
  readonly address: string;
  readonly secondaries: readonly string[];
  readonly organisation: Organisation;
  readonly accountGuid: string;
  readonly exchangeGuid: string;
  /** uids of enabled people of the same organisation. */
  readonly delegates: readonly string[];
}

const SHARED_NAMES: readonly (readonly [local: string, title: string])[] = [
  ["poststelle", "Poststelle"],
  ["geschaeftszimmer", "Geschäftszimmer"],
  ["personalrat", "Personalrat"],
  ["it-service", "IT-Service"],
  ["pressestelle", "Pressestelle"],
  ["registratur", "Registratur"],
  ["haushalt", "Haushalt"],
  ["bibliothek", "Bibliothek"],
];

/** Delegates fixed by curated people: "<organisation>/<local part>" → uids. */
export type PinnedDelegates = ReadonlyMap<string, readonly string[]>;

export function generateFunctional(
  organisations: readonly Organisation[],
  people: readonly GeneratedPerson[],
  pinned: PinnedDelegates,
  random: Random,
  addresses: Claims,
): GeneratedFunctional[] {
  const byOrganisation = new Map<string, { size: number; enabled: string[] }>(organisations.map((o) => [o.name, { size: 0, enabled: [] }]));
  for (const person of people) {
    const group = byOrganisation.get(person.organisation.name)!;
    group.size++;
    if (!person.disabled) group.enabled.push(person.uid);
  }
  return organisations.flatMap((organisation) => {
    const { size, enabled } = byOrganisation.get(organisation.name)!;
    // Without an enabled person nobody could be a delegate: such an organisation gets no functional mailboxes.
    if (enabled.length === 0) return [];
    const make = (kind: FunctionalKind, local: string, title: string, secondaries: string[] = []) => {
      const address = addresses.withSuffix(`${local}@${organisation.domain}`, (s) => `${local}${s}@${organisation.domain}`);
      return {
        kind,
        alias: `${address.slice(0, address.indexOf("@"))}-${organisation.name}`,
        displayName: `${title} (${organisation.title})`,
        address,
        secondaries: secondaries.filter((a) => addresses.tryClaim(a)),
        organisation,
        accountGuid: random.uuid(),
        exchangeGuid: random.uuid(),
        delegates: pinned.get(`${organisation.name}/${local}`) ?? pickDelegates(enabled, random),
      };
    };
    const shared = SHARED_NAMES.slice(0, Math.min(1 + Math.floor(size / 150), SHARED_NAMES.length)).map(([local, title], i) =>
      make("shared", local, title, i === 0 ? [`info@${organisation.domain}`] : []),
    );
    const rooms = range(1 + Math.floor(size / 80)).map((i) => make("room", `raum-${101 + i}`, `Raum ${101 + i}`));
    const equipment = range(1 + Math.floor(size / 250)).map((i) => make("equipment", `beamer-${i + 1}`, `Beamer ${i + 1}`));
    return [...shared, ...rooms, ...equipment];
  });
}

function pickDelegates(enabled: readonly string[], random: Random): string[] {
  const wanted = Math.min(1 + random.int(3), enabled.length);
  const chosen = new Set<string>();
  while (chosen.size < wanted) chosen.add(random.pick(enabled));
  return [...chosen];
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}
