// The program side of adoption: the file's entries checked against the selected bindings, and exactly
// the listed mailboxes' OX users declared with `adoptUserId` (found by mailbox id, never by name).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveBindings } from "@oxmig/core/bindings";
import { ADOPTION_FILE_VERSION, renderAdoptionFile, type AdoptionFile } from "@oxmig/core/adoption-file";
import { TYPES, USER_ATTRIBUTES } from "@oxmig/core/contract";
import { InputError } from "@oxmig/core/errors";
import { adoptionTargets } from "../../../infra/ox/adoption";
import { readInventory } from "../../../io/inventory";
import { tinyBindings } from "../../rehearsal/fixture-bindings";
import { runStack, stackConfig, writeInventory } from "../program-harness";

const bindings = tinyBindings(2, "/var/vmail");
const file = (adoptions: AdoptionFile["adoptions"]): AdoptionFile => ({ version: ADOPTION_FILE_VERSION, stack: "staging", adoptions });
const adopt = (mailboxId: string, context = "corp", oxUserId = 17) => ({
  mailboxId,
  context,
  contextId: 7,
  oxUserId,
  evidence: "source-ownership" as const,
  messages: 3,
});

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("adoption on the program side", () => {
  it("an entry for a mailbox the stack does not select, or in another context, is bad input naming the entry", () => {
    expect(() => adoptionTargets(file([adopt("nobody")]), bindings, "adopt.json")).toThrow(InputError);
    expect(() => adoptionTargets(file([adopt(bindings[0]!.mailboxId), adopt(bindings[1]!.mailboxId, "other")]), bindings, "adopt.json")).toThrow(
      /adopt.json: adoptions\[1\]: mailbox .* is declared in context corp, the file adopts in other/,
    );
    expect(adoptionTargets(file([adopt(bindings[1]!.mailboxId, "corp", 23)]), bindings, "adopt.json")).toEqual(new Map([[bindings[1]!.mailboxId, 23]]));
  });

  it("the adoption reaching another mailbox's OX user, or none, when the program declares the stack", async () => {
    const inventory = writeInventory(6);
    const adopted = resolveBindings(readInventory(inventory)).find((b) => b.kind === "personal")!;
    const dir = mkdtempSync(join(tmpdir(), "oxmig-adoptions-"));
    made.push(dir);
    const adoptionsFile = join(dir, "adoptions.json");
    writeFileSync(adoptionsFile, renderAdoptionFile("dev", [adopt(adopted.mailboxId, adopted.context, 41)]));
    const declared = await runStack("dev", stackConfig(inventory, { adoptions: adoptionsFile }));
    const users = declared.filter((r) => r.type === TYPES.oxUser);
    const adopting = users.filter((u) => u.inputs["adoptUserId"] !== undefined);
    expect(adopting.map((u) => [(u.inputs["userAttributes"] as Record<string, string>)[USER_ATTRIBUTES.mailboxId], u.inputs["adoptUserId"]])).toEqual([
      [adopted.mailboxId, 41],
    ]);
    expect(users.length).toBeGreaterThan(1);
  }, 180_000);
});
