// The gate's parent process and the program child read the stack's selection separately (the CLI from
// Pulumi.<stack>.yaml, the program through Pulumi's config); they must select the same mailboxes, or
// the gate would judge a different set than `pulumi up` applies.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { declareStack } from "../../gate/run-gate";
import { resolveBindings } from "@oxmig/core/bindings";
import { TYPES, USER_ATTRIBUTES } from "@oxmig/core/contract";
import { readInventory } from "../../io/inventory";
import { stackSelection } from "../../io/stack-selection";

const ROOT = path.resolve(__dirname, "../..");

describe("the parent and the program child select the same mailboxes", () => {
  it.each(["staging", "prod-fa", "prod-im", "prod-rest"])(
    "stack %s",
    async (stack) => {
      const selection = stackSelection(stack, ROOT);
      const expected = resolveBindings(readInventory(selection.inventoryDir), selection.resolve)
        .map((b) => b.mailboxId)
        .sort();
      const declared = (await declareStack(stack, { root: ROOT }))
        .filter((r) => r.type === TYPES.oxUser)
        .map((r) => (r.inputs["userAttributes"] as Record<string, string>)[USER_ATTRIBUTES.mailboxId]!)
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(declared).toEqual(expected);
    },
    120_000,
  );
});
