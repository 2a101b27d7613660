import { describe, it } from "vitest";
import { TYPES } from "../../core/contract";
import { contextIdsMatchLock } from "../../policies/rules/context-ids-match-lock";
import { buildResources } from "../fixtures/policies/plan";
import { config, expectNone, expectViolation, run } from "./helpers";
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
