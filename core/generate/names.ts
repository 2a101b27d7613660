// Synthetic German names (no real people) and the ASCII forms used in uids and addresses.

export const GIVEN_NAMES: readonly string[] = [
  "Maria",
  "Anna",
  "Ursula",
  "Monika",
  "Petra",
  "Sabine",
  "Claudia",
  "Susanne",
  "Andrea",
  "Birgit",
  "Käthe",
  "Jördis",
  "Änne",
  "Gülay",
  "Zoë",
  "Anja",
  "Heike",
  "Katrin",
  "Nicole",
  "Stefanie",
  "Julia",
  "Lena",
  "Hannah",
  "Sophie",
  "Marie",
  "Leonie",
  "Jana",
  "Sandra",
  "Kerstin",
  "Doris",
  "Hans-Jürgen",
  "Anne-Kathrin",
  "Jürgen",
  "Björn",
  "Jörg",
  "Sören",
  "Günter",
  "Jörn",
  "Ömer",
  "Uwe",
  "Thomas",
  "Michael",
  "Andreas",
  "Stefan",
  "Frank",
  "Klaus",
  "Peter",
  "Wolfgang",
  "Jan",
  "Lars",
  "Dirk",
  "Matthias",
  "Christian",
  "Martin",
  "Tobias",
  "Sebastian",
  "Florian",
  "Jonas",
  "Lukas",
  "Finn",
  "Malte",
  "Hauke",
  "Knut",
  "Ole",
  "Torben",
  "Nils",
  "Henning",
  "Holger",
  "Rüdiger",
  "Götz",
];

export const SURNAMES: readonly string[] = [
  "Müller",
  "Schmidt",
  "Schneider",
  "Fischer",
  "Weber",
  "Meyer",
  "Wagner",
  "Becker",
  "Schulz",
  "Hoffmann",
  "Schäfer",
  "Koch",
  "Bauer",
  "Richter",
  "Klein",
  "Wolf",
  "Schröder",
  "Neumann",
  "Schwarz",
  "Zimmermann",
  "Braun",
  "Krüger",
  "Hofmann",
  "Hartmann",
  "Lange",
  "Schmitt",
  "Werner",
  "Schmitz",
  "Krause",
  "Meier",
  "Lehmann",
  "Schulze",
  "Maier",
  "Köhler",
  "Herrmann",
  "König",
  "Walter",
  "Mayer",
  "Huber",
  "Kaiser",
  "Fuchs",
  "Peters",
  "Lang",
  "Scholz",
  "Möller",
  "Weiß",
  "Jung",
  "Hahn",
  "Schubert",
  "Vogel",
  "Friedrich",
  "Keller",
  "Günther",
  "Frank",
  "Berger",
  "Winkler",
  "Roth",
  "Beck",
  "Lorenz",
  "Baumann",
  "Groß",
  "Böhm",
  "Krämer",
  "Jäger",
  "Öztürk",
  "Yılmaz",
  "Şahin",
  "Kühn",
  "Voß",
  "Strauß",
  "Jensen",
  "Hansen",
  "Petersen",
  "Nissen",
  "Carstensen",
  "Thomsen",
  "Clausen",
  "Paulsen",
  "Lüdemann",
  "Brüggemann",
  "Meyer-Lüdenscheid",
  "Schulte-Döring",
  "Dąbrowski",
  "Nowak",
  "Ahrens",
  "Sievers",
  "Bröker",
  "Wöhlk",
  "Rößler",
  "Fröhlich",
];

const GERMAN = new Map([
  ["ä", "ae"],
  ["ö", "oe"],
  ["ü", "ue"],
  ["ß", "ss"],
  ["ı", "i"],
]);

/** Names repeat thousands of times; the cache keeps 40,000 people fast. */
const transliterated = new Map<string, string>();

/** "Hans-Jürgen" → "hans-juergen": German transliteration, other diacritics dropped, ASCII only. */
export function transliterate(name: string): string {
  let ascii = transliterated.get(name);
  if (ascii === undefined) {
    ascii = toAscii(name);
    transliterated.set(name, ascii);
  }
  return ascii;
}

function toAscii(name: string): string {
  return name
    .normalize("NFC")
    .toLowerCase()
    .replace(/[äöüßı]/g, (c) => GERMAN.get(c)!)
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[^a-z0-9-]/g, "");
}

/** The local part `vorname.nachname` (hyphens kept). */
export function addressLocal(givenName: string, surname: string): string {
  return `${transliterate(givenName)}.${transliterate(surname)}`;
}

/** The short form `v.nachname` used as an alias. */
export function initialLocal(givenName: string, surname: string): string {
  return `${transliterate(givenName).charAt(0)}.${transliterate(surname)}`;
}

/** The uid base `vnachname`: letters and digits only. */
export function uidBase(givenName: string, surname: string): string {
  return `${transliterate(givenName).charAt(0)}${transliterate(surname).replace(/-/g, "")}`;
}
