// Deterministic synthetic inventories: directory.ldif, exchange.csv and plan.yaml that agree with
// each other, so that the policy gate on them finds nothing. Pure: returns the file texts.
import { UsageError } from "../errors";
import { newClaims } from "./claims";
import { generateFunctional, type GeneratedFunctional } from "./functional";
import { defaultOrganisationNames, organisationsFor, type Organisation } from "./organisations";
import { generatePeople, type GeneratedPerson, type PeopleFeatures } from "./population";
import { profile as profileSettings, type ProfileName } from "./profiles";
import { seededRandom } from "./random";
import { renderDirectory } from "./render-ldif";
import { renderExchange } from "./render-exchange";
import { renderPlan, type PlannedWave } from "./render-plan";

export { PROFILE_NAMES, type ProfileName } from "./profiles";

export interface GenerateOptions {
  /** Head count, curated people included. */
  readonly people: number;
  readonly seed: number;
  /** Default "default"; "staging" adds the curated traps and its own organisations and wave size. */
  readonly profile?: ProfileName;
  /** Organisation names (default: the profile's, else one per 300 people (at least 4) from the catalogue). */
  readonly organisations?: readonly string[];
  /** Mailboxes per wave (default: the profile's, 50 or 25). */
  readonly waveSize?: number;
  /** Overrides the profile's feature settings. */
  readonly features?: PeopleFeatures;
  /** Output directory named in plan.yaml's "regenerate" comment (default `<dir>`). */
  readonly out?: string;
}

export interface GeneratedInventory {
  readonly directoryLdif: string;
  readonly exchangeCsv: string;
  readonly planYaml: string;
  readonly summary: { readonly people: number; readonly mailboxes: number; readonly waves: number; readonly organisations: number };
}

export const MAX_PEOPLE = 200_000;

export function generate(options: GenerateOptions): GeneratedInventory {
  const settings = profileSettings(options.profile ?? "default");
  const waveSize = options.waveSize ?? settings.waveSize;
  validate(options, waveSize);
  const features = { ...settings.features, ...options.features };
  const organisations = organisationsFor(
    options.organisations ?? settings.organisations ?? defaultOrganisationNames(Math.max(4, Math.round(options.people / 300))),
  );
  const random = seededRandom(options.seed);
  const claims = { uids: newClaims(), addresses: newClaims() };
  const people = generatePeople(options.people, organisations, features, random, claims);
  const pinned = pinnedDelegates(features, people);
  const functional = generateFunctional(organisations, people, pinned, random, claims.addresses);
  const waves = planWaves(organisations, people, functional, waveSize);
  const mailboxes = people.length + functional.length;
  const header = [
    `Synthetic inventory: ${people.length} people, ${mailboxes} source mailboxes, ${organisations.length} organisations (no real people, .example domains).`,
    "Disabled accounts are in directory.ldif and exchange.csv but deliberately not in this plan.",
    `Regenerate: ${regenerateCommand(options, waveSize)}`,
  ];
  return {
    directoryLdif: renderDirectory(organisations, people),
    exchangeCsv: renderExchange(people, functional),
    planYaml: renderPlan(header, organisations, waves),
    summary: { people: people.length, mailboxes, waves: waves.length, organisations: organisations.length },
  };
}

function validate(options: GenerateOptions, waveSize: number): void {
  const curated = (options.features ?? profileSettings(options.profile ?? "default").features).curated?.length ?? 0;
  if (!Number.isSafeInteger(options.people) || options.people < Math.max(1, curated) || options.people > MAX_PEOPLE) {
    throw new UsageError(`Invalid value for people: ${options.people}. Allowed: an integer from ${Math.max(1, curated)} to ${MAX_PEOPLE}.`);
  }
  if (!Number.isSafeInteger(options.seed)) throw new UsageError(`Invalid value for seed: ${options.seed}. Allowed: an integer.`);
  if (!Number.isSafeInteger(waveSize) || waveSize < 1) throw new UsageError(`Invalid value for wave size: ${waveSize}. Allowed: an integer of at least 1.`);
}

/** Curated people come first, so people[i] is curated[i]. */
function pinnedDelegates(features: PeopleFeatures, people: readonly GeneratedPerson[]): Map<string, string[]> {
  const pinned = new Map<string, string[]>();
  (features.curated ?? []).forEach((curated, i) => {
    for (const local of curated.delegateOf ?? []) {
      const key = `${curated.organisation}/${local}`;
      pinned.set(key, [...(pinned.get(key) ?? []), people[i]!.uid]);
    }
  });
  return pinned;
}

/** Per organisation: its enabled people, then its functional mailboxes, cut into waves of `waveSize`. */
function planWaves(
  organisations: readonly Organisation[],
  people: readonly GeneratedPerson[],
  functional: readonly GeneratedFunctional[],
  waveSize: number,
): PlannedWave[] {
  const entries = new Map<string, PlannedWave["mailboxes"][number][]>(organisations.map((o) => [o.name, []]));
  for (const p of people) if (!p.disabled) entries.get(p.organisation.name)!.push({ source: p.mail, owner: p.uid });
  for (const f of functional) entries.get(f.organisation.name)!.push({ source: f.address, kind: f.kind, delegates: f.delegates });
  return organisations.flatMap((organisation) => {
    const all = entries.get(organisation.name)!;
    const waves: PlannedWave[] = [];
    for (let start = 0; start < all.length; start += waveSize) {
      const number = String(waves.length + 1).padStart(2, "0");
      waves.push({ name: `w${number}-${organisation.name}`, context: organisation.name, mailboxes: all.slice(start, start + waveSize) });
    }
    return waves;
  });
}

function regenerateCommand(options: GenerateOptions, waveSize: number): string {
  return [
    "oxmig generate",
    `--profile ${options.profile ?? "default"}`,
    `--people ${options.people}`,
    `--seed ${options.seed}`,
    `--wave-size ${waveSize}`,
    ...(options.organisations ? [`--organisations ${options.organisations.join(",")}`] : []),
    `--out ${options.out ?? "<dir>"}`,
    "--force",
  ].join(" ");
}
