// The synthetic Land's organisations. Tax offices ("fa-…") come from Active Directory.
import { UsageError } from "../errors";

export interface Organisation {
  /** Directory `ou`, OX context name and domain label. */
  readonly name: string;
  /** Full name, written as the ou entry's description. */
  readonly title: string;
  readonly domain: string;
  /** OX context id written into plan.yaml. */
  readonly contextId: number;
  /** People carry AD objectGUID and userAccountControl instead of (or besides) entryUUID. */
  readonly fromActiveDirectory: boolean;
  /** Relative size when people are spread over organisations. */
  readonly weight: number;
}

const CATALOGUE: readonly (readonly [name: string, title: string, weight: number])[] = [
  ["im", "Innenministerium", 3],
  ["fa-luebeck", "Finanzamt Lübeck", 2],
  ["fa-kiel", "Finanzamt Kiel", 2],
  ["fa-ploen", "Finanzamt Plön", 1],
  ["lkn", "Landesbetrieb für Küstenschutz, Nationalpark und Meeresschutz", 1.5],
  ["stk", "Staatskanzlei", 1],
  ["fm", "Finanzministerium", 2],
  ["fa-flensburg", "Finanzamt Flensburg", 1.5],
  ["fa-neumuenster", "Finanzamt Neumünster", 1],
  ["jm", "Justizministerium", 2],
  ["lbv", "Landesbetrieb Straßenbau und Verkehr", 2],
  ["lfu", "Landesamt für Umwelt", 1.5],
  ["fa-itzehoe", "Finanzamt Itzehoe", 1],
  ["sozm", "Sozialministerium", 2],
  ["lka", "Landeskriminalamt", 1.5],
  ["statistik", "Statistikamt Nord", 1],
];

const ORGANISATION_NAME = /^[a-z][a-z0-9-]{0,40}$/;

/** The first `count` organisations of the catalogue. */
export function defaultOrganisationNames(count: number): string[] {
  return CATALOGUE.slice(0, Math.max(1, Math.min(count, CATALOGUE.length))).map(([name]) => name);
}

/** Organisations for the given names, in that order; names outside the catalogue get weight 1. */
export function organisationsFor(names: readonly string[]): Organisation[] {
  const seen = new Set<string>();
  return names.map((name, index) => {
    if (!ORGANISATION_NAME.test(name)) {
      throw new UsageError(`Invalid organisation name "${name}": use lower-case letters, digits and hyphens, starting with a letter (e.g. fa-luebeck)`);
    }
    if (seen.has(name)) throw new UsageError(`Organisation "${name}" is listed twice`);
    seen.add(name);
    const known = CATALOGUE.find(([n]) => n === name);
    return {
      name,
      title: known?.[1] ?? name,
      domain: `${name}.example`,
      contextId: 101 + index,
      fromActiveDirectory: name.startsWith("fa-"),
      weight: known?.[2] ?? 1,
    };
  });
}
