import { describe, expect, it } from "vitest";
import { TYPES } from "@oxmig/core/contract";
import { contextIdsMatchLock } from "../../policies/rules/context-ids-match-lock";
import { buildResources } from "../fixtures/policies/plan";
import { config, expectNone, expectViolation, run, UNKNOWN_STRING } from "./helpers";
import { phasedEntries, writeHistoryLock } from "./lock-history-fixtures";

const withIds = (ids: Record<string, number>) =>
  buildResources().map((r) => (r.type === TYPES.oxContext ? { ...r, props: { ...r.props, contextId: ids[r.props.name as string] } } : r));
const lockOf = (phases: Record<string, "copying" | "cut-over"> = { w01: "cut-over" }) =>
  config({ lock: writeHistoryLock({ mailboxes: phasedEntries(phases), contexts: { luebeck: { id: 101 }, kiel: { id: 102 } } }) });

describe("context-ids-match-lock", () => {
  it("accepts the context ids the lock records", async () => {
    expectNone(await run(contextIdsMatchLock, withIds({ luebeck: 101, kiel: 102 }), lockOf()));
  });
  it("accepts contexts the lock records no id for", async () => {
    expectNone(await run(contextIdsMatchLock, withIds({ luebeck: 101, kiel: 102 }), config({ lock: writeHistoryLock({ mailboxes: phasedEntries({}) }) })));
  });
  it("swapped context ids: both contexts, and each cut-over mailbox by name", async () => {
    const violations = await run(contextIdsMatchLock, withIds({ luebeck: 102, kiel: 101 }), lockOf());
    expectViolation(violations, "OX context luebeck declares context id 102, but the lock");
    expectViolation(violations, "OX context kiel declares context id 101");
    expectViolation(violations, "maria.mueller@fa-luebeck.example", "this mailbox is already cut over");
  });
  it("a context whose fixed id was dropped (OX would assign one)", async () => {
    expectViolation(await run(contextIdsMatchLock, buildResources(), lockOf({})), "OX context luebeck declares context id not fixed");
  });
});

describe("context-ids-match-lock branches", () => {
  const messages = async (records: Parameters<typeof run>[1], cfg: unknown) => (await run(contextIdsMatchLock, records, cfg)).map((v) => v.message);
  const contextRecord = (records: ReturnType<typeof withIds>, name: string) => records.find((r) => r.type === TYPES.oxContext && r.props.name === name)!;
  const moved = (cfg: { lock?: string }, context: string, declared: string, want: number) =>
    `OX context ${context} declares context id ${declared}, but the lock ${cfg.lock} records ${want}: every account of the context would land in another context`;
  const contextMessage = (text: string) =>
    `${text} (rule context-ids-match-lock); restore the id in plan.yaml contexts:, or relock while no mailbox of the context is cut over`;
  const cutOverMessage = (mailbox: string, owner: string, text: string) =>
    `mailbox ${mailbox} (owner ${owner}): (rule context-ids-match-lock) ${text}; this mailbox is already cut over`;
  const UNNAMED = "OX context ox-context-kiel (rule context-ids-match-lock): its name is unknown or missing, so its id cannot be checked against the lock";

  it("registered under a name or description that does not say what it checks", () => {
    expect(contextIdsMatchLock.name).toBe("context-ids-match-lock");
    expect(contextIdsMatchLock.enforcementLevel).toBe("mandatory");
    expect(contextIdsMatchLock.description).toMatch(/declares the context id the binding lock records/);
  });

  it("without a lock even swapped ids are left to bindings-match-lock", async () => {
    expect(await messages(withIds({ luebeck: 102, kiel: 101 }), config())).toEqual([]);
  });

  it("the exact messages for swapped ids: each context, and only the cut-over mailboxes of that context", async () => {
    const cfg = lockOf();
    const luebeck = moved(cfg, "luebeck", "102", 101);
    expect(await messages(withIds({ luebeck: 102, kiel: 101 }), cfg)).toEqual([
      contextMessage(luebeck),
      cutOverMessage("maria.mueller@fa-luebeck.example", "mmueller", luebeck),
      cutOverMessage("jan.schmidt@fa-luebeck.example", "jschmidt", luebeck),
      cutOverMessage("poststelle@fa-luebeck.example", "shared-poststelle", luebeck),
      contextMessage(moved(cfg, "kiel", "101", 102)),
    ]);
  });

  it("a context whose name is missing cannot be checked, so it is rejected", async () => {
    const records = withIds({ luebeck: 101, kiel: 102 });
    delete contextRecord(records, "kiel").props.name;
    expect(await messages(records, lockOf())).toEqual([UNNAMED]);
  });

  it("a context whose name is unknown at preview cannot be checked, so it is rejected", async () => {
    const records = withIds({ luebeck: 101, kiel: 102 });
    contextRecord(records, "kiel").props.name = UNKNOWN_STRING;
    expect(await messages(records, lockOf())).toEqual([UNNAMED]);
  });

  it("a context id unknown at preview is not the recorded one", async () => {
    const records = withIds({ luebeck: 101, kiel: 102 });
    contextRecord(records, "kiel").props.contextId = UNKNOWN_STRING;
    const cfg = lockOf({ w02: "cut-over" });
    const kiel = moved(cfg, "kiel", "unknown at preview", 102);
    expect(await messages(records, cfg)).toEqual([
      contextMessage(kiel),
      cutOverMessage("petra.koch@fa-kiel.example", "pkoch", kiel),
      cutOverMessage("raum-101@fa-kiel.example", "room-raum101", kiel),
    ]);
  });
});
