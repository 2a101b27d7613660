import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePlan } from "@oxmig/core/plan";
import { errorsOf } from "../support/input-errors";

const FIXTURE = join(__dirname, "../fixtures/inputs/good/plan.yaml");
const FILE = "inventory/staging/plan.yaml";

/** A one-wave plan; `mailboxes` is the YAML of the list items, indented by 6. */
function plan(mailboxes: string, head = ""): string {
  return `${head}waves:\n  - name: w01\n    context: fa-luebeck\n    mailboxes:\n${mailboxes}`;
}

describe("parsePlan on the fixture", () => {
  const parsed = parsePlan(readFileSync(FIXTURE, "utf8"), FILE);
  const [w1, w2] = parsed.waves;

  it("reads waves with phase (default copying) and their lines", () => {
    expect(parsed.waves.map((w) => [w.name, w.context, w.phase, w.line])).toEqual([
      ["w01-fa-luebeck", "fa-luebeck", "copying", 7],
      ["w02-fa-kiel", "fa-kiel", "cut-over", 20],
    ]);
  });

  it("keeps canaries and phaseRollback only where a wave sets them", () => {
    const text =
      "waves:\n  - name: w01\n    context: c\n    phase: copying\n    canaries: false\n    phaseRollback: target restored from backup\n    mailboxes:\n      - source: a@fa-luebeck.example\n        owner: a\n";
    const [wave] = parsePlan(text, FILE).waves;
    expect([wave!.canaries, wave!.phaseRollback]).toEqual([false, "target restored from backup"]);
    expect(Object.keys(w1!)).not.toContain("phaseRollback");
  });

  it("derives the kind of each mailbox and keeps the line of its entry", () => {
    expect(w1?.mailboxes.map((m) => [m.source, m.kind, m.owner, m.delegates, m.line])).toEqual([
      ["maria.mueller@fa-luebeck.example", "personal", "mmueller", [], 10],
      ["jana.schmidt@fa-luebeck.example", "personal", "jschmidt", [], 13],
      ["poststelle@fa-luebeck.example", "shared", undefined, ["mmueller", "jschmidt"], 15],
      ["raum-101@fa-luebeck.example", "room", undefined, ["jschmidt"], 18],
    ]);
    expect(w1?.mailboxes[0]?.aliases).toEqual(["m.mueller@fa-luebeck.example"]);
    expect(w2?.mailboxes[0]?.contextException).toBe("seconded to the ministry until 2027");
  });

  it("reads contexts with ids, the organisation defaulting to the context name", () => {
    expect(parsed.contexts).toEqual([
      { name: "fa-luebeck", id: 101, organisation: "fa-luebeck" },
      { name: "fa-kiel", id: 102, organisation: "fa-kiel" },
    ]);
  });
});

describe("parsePlan details", () => {
  it("keeps a mailbox's containment reason, trimmed, only where the plan sets it", () => {
    const parsed = parsePlan(
      plan(
        '      - source: a@fa-luebeck.example\n        owner: a\n        contain: " INC-2026-0042: holds foreign mail "\n      - source: b@fa-luebeck.example\n        owner: b\n',
      ),
      FILE,
    );
    const [contained, free] = parsed.waves[0]!.mailboxes;
    expect(contained?.contain).toBe("INC-2026-0042: holds foreign mail");
    expect(Object.keys(free!)).not.toContain("contain");
  });

  it("keeps a mailbox's re-migration reason, trimmed; refuses an empty one and one in a done wave, naming the line", () => {
    const parsed = parsePlan(plan('      - source: a@fa-luebeck.example\n        owner: a\n        remigrate: " INC-2026-0042: corrected "\n'), FILE);
    expect(parsed.waves[0]!.mailboxes[0]?.remigrate).toBe("INC-2026-0042: corrected");
    const empty = () => parsePlan(plan('      - source: a@fa-luebeck.example\n        owner: a\n        remigrate: " "\n'), FILE);
    expect(empty).toThrow(/line 7: waves\[0\]\.mailboxes\[0\]\.remigrate: remigrate must give a reason/);
    const done = () =>
      parsePlan(
        "waves:\n  - name: w01\n    context: fa-luebeck\n    phase: done\n    mailboxes:\n      - source: a@fa-luebeck.example\n        owner: a\n        remigrate: INC-1\n",
        FILE,
      );
    expect(done).toThrow(/line 8: waves\[0\]\.mailboxes\[0\]\.remigrate: remigrate needs the wave's migration Job/);
  });

  it("derives one context per wave context when the plan declares none", () => {
    const parsed = parsePlan(plan("      - source: a@fa-luebeck.example\n        equipment:\n"), FILE);
    expect(parsed.contexts).toEqual([{ name: "fa-luebeck", organisation: "fa-luebeck" }]);
    expect(parsed.waves[0]?.mailboxes[0]).toMatchObject({ kind: "equipment", delegates: [] });
  });

  it("finds the line of a mailbox written with the key on the line after the dash", () => {
    const parsed = parsePlan(plan("      -\n        source: a@fa-luebeck.example\n        owner: a\n"), FILE);
    expect(parsed.waves[0]?.mailboxes[0]?.line).toBe(6);
  });
});

describe("parsePlan rejects", () => {
  const one = "      - source: a@fa-luebeck.example\n        owner: a\n";
  const cases: [string, string, string, RegExp][] = [
    ["a duplicate key", plan("      - source: a@fa-luebeck.example\n        owner: a\n        owner: b\n"), "line 7", /duplicated mapping key/],
    [
      "an unknown key, listing the allowed keys",
      plan(one + "        ownr: b\n"),
      "line 7",
      /waves\[0\]\.mailboxes\[0\]\.ownr: unknown key "ownr" \(allowed keys: source, owner, shared, room, equipment, aliases, contextException, rebind, rekey, contain, remigrate\)/,
    ],
    ["an unknown top-level key", "waves: []\nwavez: 1\n", "line 2", /^wavez: unknown key "wavez" \(allowed keys: contexts, waves\)/],
    [
      "a mailbox with two kinds",
      plan(one + "        shared: { delegates: [a] }\n"),
      "line 5",
      /waves\[0\]\.mailboxes\[0\]: a mailbox needs exactly one of owner, shared, room, equipment; found owner, shared/,
    ],
    ["a mailbox without a kind", plan("      - source: a@fa-luebeck.example\n"), "line 5", /exactly one of .*found none/],
    [
      "a malformed source address",
      plan("      - source: a.fa-luebeck.example\n        owner: a\n"),
      "line 5",
      /mailboxes\[0\]\.source: "a\.fa-luebeck\.example" is not an e-mail address/,
    ],
    ["a malformed alias", plan(one + "        aliases: [ok@fa-luebeck.example, 'bad address@x']\n"), "line 7", /aliases\[1\]: .*invalid local part/],
    ["a wave name that is not kebab-case", plan(one).replace("name: w01", "name: W 01"), "line 2", /waves\[0\]\.name: a wave name must be lower-case/],
    ["an unknown phase", plan(one).replace("mailboxes:", "phase: later\n    mailboxes:"), "line 4", /waves\[0\]\.phase/],
    [
      "an empty phaseRollback",
      plan(one).replace("mailboxes:", 'phaseRollback: ""\n    mailboxes:'),
      "line 4",
      /waves\[0\]\.phaseRollback: phaseRollback must give a reason/,
    ],
    ["canaries that are not a boolean", plan(one).replace("mailboxes:", "canaries: sometimes\n    mailboxes:"), "line 4", /waves\[0\]\.canaries/],
    ["a wave without mailboxes", "waves:\n  - name: w01\n    context: c\n    mailboxes: []\n", "line 4", /at least one mailbox/],
    ["an empty contextException", plan(one + '        contextException: " "\n'), "line 7", /contextException must give a reason/],
    ["an empty contain", plan(one + '        contain: "  "\n'), "line 7", /mailboxes\[0\]\.contain: contain must give a reason, the incident reference/],
    ["a contain without a value", plan(one + "        contain:\n"), "line 7", /mailboxes\[0\]\.contain: contain must give a reason/],
    ["a contain that is not a reason", plan(one + "        contain: true\n"), "line 7", /mailboxes\[0\]\.contain: contain must give a reason/],
    ["a context id that is not a positive integer", plan(one, "contexts:\n  fa-luebeck: { id: -3 }\n"), "line 2", /contexts\.fa-luebeck\.id/],
    [
      "a wave context not declared under contexts",
      plan(one, "contexts:\n  fa-kiel: {}\n"),
      "line 5",
      /context "fa-luebeck" is not declared under contexts: \(declared: fa-kiel\)/,
    ],
    ["a YAML syntax error", "waves: [\n", "line 2", /.+/],
  ];
  for (const [what, text, where, problem] of cases) {
    it(`${what}, naming file and line`, () => {
      const [err, ...more] = errorsOf(() => parsePlan(text, FILE));
      expect(more).toEqual([]);
      expect(err?.message).toContain(`${FILE}: ${where}: `);
      expect(err?.problem).toMatch(problem);
    });
  }

  it("a duplicate wave name and a mailbox planned twice, naming both lines", () => {
    const wave = (name: string) => `  - name: ${name}\n    context: c\n    mailboxes:\n      - source: A@x.example\n        owner: a\n`;
    const errors = errorsOf(() => parsePlan(`waves:\n${wave("w01")}${wave("w01")}`, FILE));
    expect(errors.map((e) => e.message)).toEqual([
      `${FILE}: line 7: waves[1].name: duplicate wave name "w01": also at line 2 (waves[0].name)`,
      `${FILE}: line 10: waves[1].mailboxes[0].source: duplicate mailbox source "a@x.example": also at line 5 (waves[0].mailboxes[0].source)`,
    ]);
  });

  it("an empty plan", () => {
    expect(() => parsePlan("# nothing yet\n", FILE)).toThrow(`${FILE}: the plan is empty`);
  });

  it("every shape problem at once", () => {
    const text = plan("      - source: bad\n        owner: a\n      - source: b@x.example\n        owner: b\n        room: {}\n");
    expect(errorsOf(() => parsePlan(text, FILE)).map((e) => e.where)).toEqual(["line 5", "line 7"]);
  });
});

describe("parsePlan document structure", () => {
  it("rejects several YAML documents in one plan", () => {
    expect(() => parsePlan("waves: []\n---\nwaves: []\n", FILE)).toThrow(`${FILE}: the plan holds several YAML documents`);
  });
});
