// The incident end to end: one copy of inventory/staging with several independent human mistakes in
// different waves, through the real program under mocks and the real pack (one gate run each).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resolveBindings } from "@oxmig/core/bindings";
import { gateCommand } from "../../cli/commands/gate";
import { lockCommand } from "../../cli/commands/lock";
import { runGate } from "../../gate/run-gate";
import { formatReport } from "../../gate/report";
import type { DeclaredResource, GateViolation } from "../../engine/types";
import { isBlocking } from "../../engine/violations";
import { readInventory } from "../../io/inventory";
import { copyStaging, PlanText, ROOT, swapKeyKeepers, swapUserdbKeyNames } from "./support/inventory-mistakes";
import { gateAltered } from "./support/altered-gate";

const LOCK_RULE = "bindings-match-lock";

interface Mistakes {
  /** Shifted wave: [source address, owner uid after the shift] per row. */
  readonly shifted: { source: string; owner: string }[];
  readonly fallenOff: string;
  readonly swapped: [{ source: string; owner: string }, { source: string; owner: string }];
  readonly foreignSource: { owner: string; source: string };
  readonly aliasOwner: string;
  readonly keyPairs: { keepers: [string, string]; userdb: [string, string] };
}

function applyPlanMistakes(dir: string): Omit<Mistakes, "keyPairs"> {
  const plan = new PlanText(path.join(dir, "plan.yaml"));
  const rows = plan.ownerRows("w03-fa-kiel");
  const fallenOff = plan.ownerAt(rows.at(-1)!);
  plan.shiftOwners("w03-fa-kiel");
  const shifted = rows.map((r) => ({ source: plan.sourceOf(r), owner: plan.ownerAt(r) }));
  const [a, b] = plan.ownerRows("w01-lkn").slice(1, 3) as [number, number];
  plan.swapOwners(a, b);
  const swapped: Mistakes["swapped"] = [
    { source: plan.sourceOf(a), owner: plan.ownerAt(a) },
    { source: plan.sourceOf(b), owner: plan.ownerAt(b) },
  ];
  plan.swapOwners(plan.findOwnerRow("mmueller"), plan.findOwnerRow("mmueller2"));
  const guenther = plan.findOwnerRow("mguenther");
  plan.setSource(guenther, "joerdis.koehler@lkn.example");
  // Last: inserting a line moves every row after it.
  plan.addAlias(plan.findOwnerRow("sgross"), "juergen.weiss@fa-luebeck.example");
  plan.save();
  return {
    shifted,
    fallenOff,
    swapped,
    foreignSource: { owner: "mguenther", source: "joerdis.koehler@lkn.example" },
    aliasOwner: "sgross",
  };
}

const matching = (vs: readonly GateViolation[], policy: string, identity: string) =>
  vs.filter((v) => v.policy === policy && v.identity === identity && isBlocking(v));

describe("incidents through the gate", () => {
  let dir: string;
  let mistakes: Mistakes;
  let first: readonly GateViolation[];
  let idOf: (uid: string) => string;
  let transform: (rs: DeclaredResource[]) => DeclaredResource[];

  beforeAll(async () => {
    dir = copyStaging();
    const planned = applyPlanMistakes(dir);
    const bindings = resolveBindings(readInventory(dir));
    idOf = (uid) => bindings.find((b) => b.owner?.uid === uid)!.mailboxId;
    mistakes = { ...planned, keyPairs: { keepers: ["zstrauss", "boeztuerk"], userdb: ["avoss", "asievers"] } };
    const [k1, k2] = mistakes.keyPairs.keepers.map(idOf) as [string, string];
    const [u1, u2] = mistakes.keyPairs.userdb.map(idOf) as [string, string];
    transform = (rs) => swapUserdbKeyNames(swapKeyKeepers(rs, k1, k2), "stk", u1, u2);
    const run = await gateAltered("staging", { root: ROOT, inventoryDir: dir }, transform);
    first = run.result.violations;
  }, 120_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("owner column shifted by one row within a wave: every moved mailbox is named, the doubled person too", () => {
    for (const row of mistakes.shifted.slice(1)) {
      const found = matching(first, "source-belongs-to-owner", row.owner);
      expect(found.map((v) => v.message).join("\n"), `row ${row.source} now owned by ${row.owner}`).toContain(`source Exchange mailbox ${row.source}`);
    }
    const doubled = mistakes.shifted[0]!.owner;
    expect(matching(first, "one-mailbox-per-person", doubled)[0]?.message).toMatch(new RegExp(`directory uid ${doubled} .* owns 2 personal mailboxes`));
    // The last row's source is re-bound away from the person who fell off the wave: the lock rule names both.
    const last = mistakes.shifted.at(-1)!;
    const dropped = first.filter((v) => v.policy === LOCK_RULE && v.identity === last.owner && v.message.startsWith(`source ${last.source} is re-bound from `));
    expect(dropped[0]?.message).toMatch(
      new RegExp(`re-bound from [^<]+<[^>]+> \\(${mistakes.fallenOff}, fa-kiel, id [0-9a-f-]{36}\\) to [^<]+<[^>]+> \\(${last.owner}, fa-kiel, `),
    );
  });

  it("two owners swapped: both mailboxes are named with the other person's source", () => {
    const [a, b] = mistakes.swapped;
    expect(matching(first, "source-belongs-to-owner", a.owner)[0]?.message).toContain(a.source);
    expect(matching(first, "source-belongs-to-owner", b.owner)[0]?.message).toContain(b.source);
  });

  it("homonym in another organisation chosen as owner (mmueller ↔ mmueller2)", () => {
    for (const [uid, context] of [
      ["mmueller", "im"],
      ["mmueller2", "fa-luebeck"],
    ] as const) {
      expect(matching(first, "context-matches-organisation", uid)[0]?.message).toContain(`context "${context}" does not serve the owner's organisation`);
      expect(matching(first, "source-belongs-to-owner", uid)).toHaveLength(1);
    }
    expect(matching(first, "context-matches-organisation", "mmueller")[0]?.mailbox).toBe("maria.mueller@fa-luebeck.example");
  });

  it("an alias that belongs to someone else", () => {
    const found = matching(first, "addresses-belong-to-owner", mistakes.aliasOwner);
    expect(found[0]?.message).toMatch(/address juergen\.weiss@fa-luebeck\.example \(aliases\[\d\]\) belongs to directory uid jweiss/);
    expect(first.some((v) => v.policy === "unique-addresses" && v.message.startsWith("address juergen.weiss@fa-luebeck.example routes to 2 mailboxes"))).toBe(
      true,
    );
  });

  it("two keys swapped between people (RandomPassword keepers, userdb index key names)", () => {
    const pairs = [
      [...mistakes.keyPairs.keepers, /keepers\.mailboxId of key-/],
      [...mistakes.keyPairs.userdb, /userdb index keyName of /],
    ] as const;
    for (const [a, b, wrong] of pairs) {
      for (const [uid, other] of [
        [a, b],
        [b, a],
      ] as const) {
        const found = matching(first, "chain-consistent", uid)
          .map((v) => v.message)
          .join("\n");
        expect(found, uid).toMatch(wrong);
        expect(found, uid).toContain(idOf(other));
      }
    }
  });

  it("a source mailbox paired to a different person's target", () => {
    const found = matching(first, "source-belongs-to-owner", mistakes.foreignSource.owner);
    expect(found[0]?.message).toContain(`source Exchange mailbox ${mistakes.foreignSource.source}`);
    expect(found[0]?.mailbox).toBe("michael.guenther@lkn.example");
  });

  it("the report names people: each plan line under its source and the person bound to it, the decisive evidence first, nothing twice", () => {
    const text = formatReport({ stack: "staging", mailboxes: 306, violations: first }, "text");
    const groups = text.split(/\n(?=\S)/);
    const group = (heading: string) => groups.find((g) => g.startsWith(heading)) ?? `(no group headed ${heading})`;
    const findings = (g: string) => g.split("\n").slice(1);
    // The homonym trap: each Maria Müller's source under the other one, the exports' verdict first.
    const luebeck = group("maria.mueller@fa-luebeck.example → Maria Müller (mmueller2, im) · ");
    expect(findings(luebeck)[0]).toMatch(
      /^ {2}MANDATORY source-belongs-to-owner: source Exchange mailbox maria\.mueller@fa-luebeck\.example .* = directory uid mmueller \(/,
    );
    expect(luebeck).toMatch(
      /bindings-match-lock: source maria\.mueller@fa-luebeck\.example is re-bound from Maria Müller <maria\.mueller@fa-luebeck\.example> \(mmueller, fa-luebeck, id [0-9a-f-]{36}\) to Maria Müller <maria\.mueller@im\.example> \(mmueller2, im, id [0-9a-f-]{36}\)/,
    );
    expect(findings(group("maria.mueller@im.example → Maria Müller (mmueller, fa-luebeck) · "))[0]).toMatch(/source-belongs-to-owner/);
    // A plain swap: headed by the plan line's own key, the source, and pointing at that very line.
    const plan = new PlanText(path.join(dir, "plan.yaml"));
    for (const swap of mistakes.swapped) {
      const g = groups.find((x) => x.startsWith(`${swap.source} → `) && x.split("\n")[0]!.includes(`(${swap.owner}, lkn) · `));
      expect(g, swap.source).toBeDefined();
      const line = Number(/plan\.yaml:(\d+) · /.exec(g!)![1]);
      expect(plan.lines[line - 1]!.trim()).toBe(`- source: ${swap.source}`);
      expect(findings(g!)[0]).toMatch(/source-belongs-to-owner/);
    }
    // One person named owner of two sources (the shifted wave's first owner, doubled): the re-bound
    // row is headed by its source and the doubled person, and the lock rule names whom it was taken from.
    const [, moved, next] = mistakes.shifted as [unknown, { source: string; owner: string }, { source: string; owner: string }];
    const doubledRow = groups.find((g) => g.startsWith(`${moved.source} → `) && g.split("\n")[0]!.includes(`(${moved.owner}, fa-kiel) · `));
    expect(doubledRow, moved.source).toBeDefined();
    expect(findings(doubledRow!)[0]).toMatch(/source-belongs-to-owner/);
    expect(doubledRow).toMatch(
      new RegExp(
        `bindings-match-lock: source ${moved.source.replace(/\./g, "\\.")} is re-bound from [^<]+<[^>]+> \\(${next.owner}, fa-kiel, id [0-9a-f-]{36}\\) to [^<]+<[^>]+> \\(${moved.owner}, fa-kiel, `,
      ),
    );
    expect(doubledRow).toMatch(new RegExp(`one-mailbox-per-person: .*owns 2 personal mailboxes: \\S+ \\(2 mailboxes, context fa-kiel\\)`));
    // No finding twice in a group, no address twice in a list, no placeholder.
    for (const g of groups) expect(new Set(findings(g)).size, g.split("\n")[0]).toBe(findings(g).length);
    expect(text).not.toMatch(/([\w.-]+@[\w.-]+\.example), \1\b/);
    expect(text).not.toContain("<stack>");
    expect(text).toContain("run `npx oxmig lock --stack staging` and have the change reviewed");
  });

  it("reports each finding once, even where two mailboxes share one resource name", () => {
    const keys = first.map((v) => JSON.stringify([v.policy, v.mailbox, v.identity, v.message, v.urn]));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("the pack in its own process over gRPC, as pulumi preview runs it, finds exactly what the in-process gate found", async () => {
    const overGrpc = await gateAltered("staging", { root: ROOT, inventoryDir: dir, analyzer: "grpc" }, transform);
    expect(first.filter(isBlocking).length).toBeGreaterThan(20);
    expect(overGrpc.result.violations).toEqual(first);
  }, 120_000);

  it("resources analysed while the program still declares others give exactly the findings of one analysis after it", async () => {
    const streamed = await runGate("staging", { root: ROOT, inventoryDir: dir });
    const afterwards = await gateAltered("staging", { root: ROOT, inventoryDir: dir }, (rs) => rs);
    expect(streamed.timings.analyzeAlongsideMs).toBeGreaterThan(0);
    expect(afterwards.timings.analyzeAlongsideMs).toBe(0);
    expect(streamed.result.violations.filter(isBlocking).length).toBeGreaterThan(20);
    expect(streamed.result.violations).toEqual(afterwards.result.violations);
  }, 120_000);

  it("a rebinding without a lock change: the lock rule names it; after `oxmig lock` only identity rules remain", async () => {
    const rebound = [...mistakes.shifted.slice(1).map((r) => r.owner), ...mistakes.swapped.map((s) => s.owner), "mmueller", "mmueller2", "mguenther", "sgross"];
    for (const uid of rebound) expect(first.filter((v) => v.policy === LOCK_RULE && v.identity === uid).length, uid).toBeGreaterThan(0);
    // Relocking rewrites plan.yaml and the lock: on a copy of its own, so the other tests keep the inventory with the mistakes.
    const own = fs.mkdtempSync(path.join(os.tmpdir(), "oxmig-incident-relock-"));
    fs.cpSync(dir, own, { recursive: true });
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      // The shifted wave names its first owner twice: one mailbox id for two sources, which no lock may hold.
      const doubled = mistakes.shifted[0]!.owner;
      for (const check of [true, false]) {
        expect(() => lockCommand({ stack: "staging", inventory: own, root: ROOT, check }), `check ${check}`).toThrow(
          new RegExp(
            `plan\\.yaml: line \\d+: 2 entries bind [^<]+<[^>]+> \\(${doubled}, fa-kiel, id [0-9a-f-]{36}\\): line \\d+ \\(owner of source ${mistakes.shifted[0]!.source.replace(/\./g, "\\.")}, .* and line \\d+ \\(owner of source ${mistakes.shifted[1]!.source.replace(/\./g, "\\.")}, the Exchange mailbox of .*\\(nothing was written\\)`,
          ),
        );
      }
      // Rotated instead of shifted (the fallen-off owner takes the first row): every row still re-bound, no id twice.
      const plan = new PlanText(path.join(own, "plan.yaml"));
      plan.setOwner(plan.ownerRows("w03-fa-kiel")[0]!, mistakes.fallenOff);
      plan.save();
      expect(lockCommand({ stack: "staging", inventory: own, root: ROOT, check: true })).toBe(1);
      expect(lockCommand({ stack: "staging", inventory: own, root: ROOT })).toBe(0);
      const report = path.join(own, "after-lock.json");
      expect(await gateCommand({ stack: "staging", format: "json", root: ROOT, inventory: own, out: report, quiet: true })).toBe(1);
      const after = JSON.parse(fs.readFileSync(report, "utf8")) as { violations: GateViolation[] };
      const blocking = after.violations.filter(isBlocking);
      expect(blocking.filter((v) => v.policy === LOCK_RULE)).toEqual([]);
      const identityRules = new Set([
        "source-belongs-to-owner",
        "context-matches-organisation",
        "addresses-belong-to-owner",
        "one-mailbox-per-person",
        "unique-addresses",
        "source-migrates-once",
        "unique-logins",
        "chain-consistent",
        "migration-moves-own-mail",
        "userdb-passwd-matches-index",
        "delegation-within-organisation",
      ]);
      expect(blocking.filter((v) => !identityRules.has(v.policy))).toEqual([]);
      for (const uid of rebound)
        expect(
          blocking.some((v) => v.identity === uid),
          uid,
        ).toBe(true);
    } finally {
      out.mockRestore();
      err.mockRestore();
      fs.rmSync(own, { recursive: true, force: true });
    }
  }, 120_000);
});
