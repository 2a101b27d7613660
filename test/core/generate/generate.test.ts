import { describe, expect, it } from "vitest";
import { resolveBindings } from "@oxmig/core/bindings";
import { UsageError } from "@oxmig/core/errors";
import { generate } from "@oxmig/core/generate";
import { transliterate } from "@oxmig/core/generate/names";
import { consistencyProblems, parseGenerated } from "./support";

const SMALL = { people: 400, seed: 7 } as const;

describe("generate: round trip through the parsers", () => {
  const generated = generate(SMALL);
  const inventory = parseGenerated(generated);
  const bindings = resolveBindings(inventory);

  it("parses every person and every source mailbox the summary counts", () => {
    expect(inventory.people).toHaveLength(SMALL.people);
    expect(inventory.sources).toHaveLength(generated.summary.mailboxes);
    expect(inventory.plan.waves).toHaveLength(generated.summary.waves);
  });

  it("plans every enabled person and every functional mailbox exactly once, and no disabled person", () => {
    const enabled = inventory.people.filter((p) => !p.disabled);
    const functional = inventory.sources.filter((s) => s.type !== "UserMailbox");
    expect(inventory.people.some((p) => p.disabled)).toBe(true);
    expect(bindings).toHaveLength(enabled.length + functional.length);
    expect(new Set(bindings.map((b) => b.owner?.uid).filter(Boolean))).toEqual(new Set(enabled.map((p) => p.uid)));
    expect(new Set(bindings.map((b) => b.source.exchangeGuid)).size).toBe(bindings.length);
  });

  it("keeps directory, Exchange and plan consistent (addresses, guids, organisations, delegates)", () => {
    expect(consistencyProblems(inventory, bindings)).toEqual([]);
  });

  it("gives AD people (fa-…) an objectGUID that is the Exchange Guid, the others only an entryUUID", () => {
    const ad = inventory.people.filter((p) => p.ou.startsWith("fa-"));
    const ldap = inventory.people.filter((p) => !p.ou.startsWith("fa-"));
    expect(ad.length).toBeGreaterThan(0);
    expect(ad.every((p) => p.objectGuid !== undefined)).toBe(true);
    expect(ad.some((p) => p.idSource === "objectGUID") && ad.some((p) => p.idSource === "entryUUID")).toBe(true);
    expect(ldap.every((p) => p.idSource === "entryUUID" && p.objectGuid === undefined)).toBe(true);
  });

  it("cuts waves to the wave size within one context", () => {
    const sized = generate({ ...SMALL, waveSize: 7 });
    const waves = parseGenerated(sized).plan.waves;
    expect(Math.max(...waves.map((w) => w.mailboxes.length))).toBe(7);
    expect(waves.every((w) => w.name.endsWith(`-${w.context}`))).toBe(true);
  });
});

describe("generate: determinism", () => {
  it("writes the same bytes for the same seed", () => {
    expect(generate(SMALL)).toEqual(generate(SMALL));
  });

  it("writes different inventories for different seeds", () => {
    const a = generate(SMALL);
    const b = generate({ ...SMALL, seed: SMALL.seed + 1 });
    expect(b.directoryLdif).not.toBe(a.directoryLdif);
    expect(b.exchangeCsv).not.toBe(a.exchangeCsv);
    expect(b.planYaml).not.toBe(a.planYaml);
  });
});

describe("generate: names and collisions", () => {
  const namesakes = ["im", "im", "im", "stk"].map((organisation) => ({ givenName: "Maria", surname: "Müller", organisation, shortAlias: true }));
  const inventory = parseGenerated(generate({ people: 30, seed: 1, organisations: ["im", "stk"], features: { curated: namesakes } }));
  const marias = inventory.people.slice(0, 4);

  it("numbers colliding uids and addresses instead of sharing them", () => {
    expect(marias.map((p) => p.uid)).toEqual(["mmueller", "mmueller2", "mmueller3", "mmueller4"]);
    expect(marias.map((p) => p.mail?.display)).toEqual([
      "maria.mueller@im.example",
      "maria.mueller2@im.example",
      "maria.mueller3@im.example",
      "maria.mueller@stk.example",
    ]);
  });

  it("gives a taken short alias to nobody else", () => {
    expect(marias.map((p) => p.aliases.map((a) => a.display))).toEqual([["m.mueller@im.example"], [], [], ["m.mueller@stk.example"]]);
    expect(consistencyProblems(inventory)).toEqual([]);
  });

  it("keeps umlauts in display names and transliterates them in addresses", () => {
    expect(marias[0]!.displayName).toBe("Maria Müller");
    expect(["Weiß", "Öztürk", "Yılmaz", "Hans-Jürgen", "Dąbrowski"].map(transliterate)).toEqual(["weiss", "oeztuerk", "yilmaz", "hans-juergen", "dabrowski"]);
  });
});

describe("generate: refuses bad options", () => {
  it.each([
    [{ people: 0, seed: 1 }, /people: 0/],
    [{ people: 10, seed: 1.5 }, /seed: 1.5/],
    [{ people: 10, seed: 1, waveSize: 0 }, /wave size: 0/],
    [{ people: 10, seed: 1, organisations: ["Fa Kiel"] }, /organisation name "Fa Kiel"/],
    [{ people: 5, seed: 1, profile: "staging" as const }, /people: 5\. Allowed: an integer from 11/],
    [
      { people: 300, seed: 1, profile: "staging" as const, organisations: ["im", "stk"] },
      /"Maria Müller" belongs to "fa-luebeck", which is not among the organisations/,
    ],
  ])("%o", (options, message) => {
    expect(() => generate(options)).toThrow(UsageError);
    expect(() => generate(options)).toThrow(message);
  });
});
