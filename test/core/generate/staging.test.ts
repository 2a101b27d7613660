import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveBindings } from "@oxmig/core/bindings";
import { generate } from "@oxmig/core/generate";
import { consistencyProblems, parseGenerated } from "./support";

const STAGING = join(__dirname, "../../../inventory/staging");
const committed = {
  directoryLdif: readFileSync(join(STAGING, "directory.ldif"), "utf8"),
  exchangeCsv: readFileSync(join(STAGING, "exchange.csv"), "utf8"),
  planYaml: readFileSync(join(STAGING, "plan.yaml"), "utf8"),
};
const inventory = parseGenerated(committed);
const bindings = resolveBindings(inventory);
const byUid = (uid: string) => inventory.people.find((p) => p.uid === uid)!;
const binding = (source: string) => bindings.find((b) => b.source.address.normalised === source);

describe("inventory/staging", () => {
  it("is exactly what the command in its plan.yaml header regenerates", () => {
    const command = /^# Regenerate: oxmig generate --profile staging --people (\d+) --seed (\d+) --wave-size (\d+) --out inventory\/staging --force$/m.exec(
      committed.planYaml,
    );
    expect(command).not.toBeNull();
    const [, people, seed, waveSize] = command!.map(Number);
    const fresh = generate({ profile: "staging", people: people!, seed: seed!, waveSize: waveSize!, out: "inventory/staging" });
    expect({ directoryLdif: fresh.directoryLdif, exchangeCsv: fresh.exchangeCsv, planYaml: fresh.planYaml }).toEqual(committed);
  });

  it("has at least 5 organisations and about 300 people, all consistent", () => {
    expect(new Set(inventory.people.map((p) => p.ou)).size).toBeGreaterThanOrEqual(5);
    expect(inventory.people.length).toBeGreaterThanOrEqual(250);
    expect(consistencyProblems(inventory, bindings)).toEqual([]);
  });

  it("holds the homonym trap: two Maria Müller in different organisations, each bound to her own uid", () => {
    const marias = inventory.people.filter((p) => p.displayName === "Maria Müller");
    expect(new Set(marias.map((p) => p.ou)).size).toBe(2);
    for (const maria of marias) expect(binding(maria.mail!.normalised)?.owner?.immutableId).toBe(maria.immutableId);
  });

  it("has disabled accounts of both kinds in directory and Exchange, none of them planned", () => {
    const disabled = inventory.people.filter((p) => p.disabled);
    expect(disabled.some((p) => p.idSource === "entryUUID" && !p.objectGuid)).toBe(true);
    expect(disabled.some((p) => p.objectGuid)).toBe(true);
    for (const p of disabled) {
      expect(inventory.sources.some((s) => s.primarySmtp.normalised === p.mail!.normalised)).toBe(true);
      expect(bindings.some((b) => b.owner?.uid === p.uid)).toBe(false);
    }
  });

  it("plans shared, room and equipment mailboxes with delegates, poststelle@fa-luebeck included", () => {
    expect(new Set(bindings.map((b) => b.kind))).toEqual(new Set(["personal", "shared", "room", "equipment"]));
    const poststelle = binding("poststelle@fa-luebeck.example");
    expect(poststelle?.delegates).toEqual(["mmueller", "jschmidt"]);
    expect(poststelle?.addresses.map((a) => a.display)).toContain("info@fa-luebeck.example");
    expect(bindings.filter((b) => b.kind !== "personal").every((b) => b.delegates.length > 0)).toBe(true);
  });

  it("writes umlaut display names base64-encoded and keeps the LDIF pure ASCII", () => {
    expect(byUid("jweiss").displayName).toBe("Jürgen Weiß");
    expect(committed.directoryLdif).toContain(`displayName:: ${Buffer.from("Jürgen Weiß").toString("base64")}`);
    expect([...committed.directoryLdif].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
  });

  it("has people with aliases, a former-name alias among them", () => {
    expect(byUid("jweiss").aliases.map((a) => a.display)).toEqual(["j.weiss@fa-luebeck.example", "juergen.gross@fa-luebeck.example"]);
    expect(inventory.people.filter((p) => p.aliases.length > 0).length).toBeGreaterThan(50);
  });
});

describe("the consistency check itself", () => {
  it("notices an Exchange Guid that is not the person's objectGUID", () => {
    const maria = byUid("mmueller");
    const other = byUid("jschmidt");
    const swapped = committed.exchangeCsv.replace(`"${maria.objectGuid}"`, `"${other.objectGuid}"`);
    expect(consistencyProblems(parseGenerated({ ...committed, exchangeCsv: swapped }))).toContain("mmueller: Exchange Guid is not the objectGUID");
  });

  it("notices an address held by two mailboxes", () => {
    const stolen = committed.exchangeCsv.replace(
      "SMTP:jan.schmidt@fa-luebeck.example;",
      "SMTP:jan.schmidt@fa-luebeck.example;smtp:m.mueller@fa-luebeck.example;",
    );
    expect(consistencyProblems(parseGenerated({ ...committed, exchangeCsv: stolen })).join("\n")).toMatch(
      /m\.mueller@fa-luebeck\.example belongs to person mmueller and person jschmidt/,
    );
  });
});
