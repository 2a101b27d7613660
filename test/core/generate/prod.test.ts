import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "@oxmig/core/generate";
import { consistencyProblems, parseGenerated } from "./support";

const PROD = join(__dirname, "../../../inventory/prod");
const committed = {
  directoryLdif: readFileSync(join(PROD, "directory.ldif"), "utf8"),
  exchangeCsv: readFileSync(join(PROD, "exchange.csv"), "utf8"),
  planYaml: readFileSync(join(PROD, "plan.yaml"), "utf8"),
};

describe("inventory/prod", () => {
  it("is exactly what the command in its plan.yaml header regenerates", () => {
    const command = /^# Regenerate: oxmig generate --profile default --people (\d+) --seed (\d+) --wave-size (\d+) --out inventory\/prod --force$/m.exec(
      committed.planYaml,
    );
    expect(command).not.toBeNull();
    const [, people, seed, waveSize] = command!.map(Number);
    const fresh = generate({ people: people!, seed: seed!, waveSize: waveSize!, out: "inventory/prod" });
    expect(fresh.planYaml).toBe(committed.planYaml);
    expect(fresh.exchangeCsv).toBe(committed.exchangeCsv);
    expect(fresh.directoryLdif).toBe(committed.directoryLdif);
  });

  it("spreads thousands of people over about a dozen organisations, all consistent", () => {
    const inventory = parseGenerated(committed);
    expect(inventory.people.length).toBeGreaterThanOrEqual(3000);
    expect(inventory.plan.contexts.length).toBeGreaterThanOrEqual(10);
    expect(consistencyProblems(inventory)).toEqual([]);
  });
});
