// Containment in the real program under the mock runtime: the same inventory run free and with two
// mailboxes contained. Containing is an update of what exists, never a replacement or a deletion:
// every resource keeps its URN, the keys and the userdb do not change at all (a lost key is lost
// mail), and the OX users change only in place (the provider's own diff says so).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { K8S, TYPES, USER_ATTRIBUTES } from "@oxmig/core/contract";
import type { DeclaredResource } from "../../engine/types";
import { diffUser } from "../../infra/ox/user-ops";
import type { OxUserInputs, OxUserOutputs } from "../../infra/ox/user-check";
import { withUserDefaults } from "../../infra/ox/user-check";
import { byName, byType, runStack, stackConfig, writeInventory } from "./program-harness";

const REASON = "INC-2026-0042: holds foreign mail, audit 2026-12-02";
let free: DeclaredResource[];
let contained: DeclaredResource[];

/** `contain:` under the plan lines of these sources (an owner: or shared: line follows each source:). */
function contain(plan: string, sources: readonly string[]): string {
  let text = plan;
  for (const source of sources) {
    const next = text.replace(new RegExp(`(- source: ${source.replace(/\./g, "\\.")}\\n(\\s+)\\S[^\\n]*\\n)`), `$1$2contain: "${REASON}"\n`);
    if (next === text) throw new Error(`no plan line for ${source}`);
    text = next;
  }
  return text;
}

const userOf = (rs: readonly DeclaredResource[], login: string) => byType(rs, TYPES.oxUser).find((u) => u.inputs["name"] === login)!;
const data = (r: DeclaredResource) => r.inputs["data"] as Record<string, string>;

beforeAll(async () => {
  const [freeDir, containedDir] = [writeInventory(), writeInventory()];
  const planFile = join(containedDir, "plan.yaml");
  writeFileSync(planFile, contain(readFileSync(planFile, "utf8"), ["oemer.peters@im.example", "poststelle@im.example"]));
  [free, contained] = await Promise.all([runStack("prod", stackConfig(freeDir)), runStack("prod", stackConfig(containedDir))]);
}, 240_000);

describe("containment in the program", () => {
  it("declares a deny list per context, always: the contained logins, or empty", () => {
    expect(data(byName(contained, "deny-im"))).toEqual({ [K8S.denyDataKey]: "opeters\nshared-poststelle-im\n" });
    expect(data(byName(contained, "deny-fa-luebeck"))).toEqual({ [K8S.denyDataKey]: "" });
    expect(data(byName(free, "deny-im"))).toEqual({ [K8S.denyDataKey]: "" });
    const deny = byName(contained, "deny-im");
    expect(deny.type).toBe(TYPES.configMap);
    expect(deny.inputs["metadata"]).toMatchObject({ name: "deny-im", namespace: "oxmig", labels: { [K8S.labelContext]: "im", [K8S.labelRole]: "deny" } });
    expect(deny.secretInputPaths).toEqual([]);
  });

  it("disables exactly the contained OX users, naming the reason", () => {
    for (const login of ["opeters", "shared-poststelle-im"]) {
      const user = userOf(contained, login);
      expect(user.inputs["mailEnabled"]).toBe(false);
      expect((user.inputs["userAttributes"] as Record<string, string>)[USER_ATTRIBUTES.containment]).toBe(REASON);
    }
    const others = byType(contained, TYPES.oxUser).filter((u) => !["opeters", "shared-poststelle-im"].includes(u.inputs["name"] as string));
    expect(others.length).toBeGreaterThan(5);
    for (const user of others) expect(user.inputs["mailEnabled"]).toBe(true);
  });

  it("containing creates and deletes nothing: the same resources, the same URNs", () => {
    expect(contained.map((r) => r.urn).sort()).toEqual(free.map((r) => r.urn).sort());
  });

  it("leaves every key and the userdb exactly as they were (key passwords aside: the mocks draw new ones per run)", () => {
    const keys = free.filter((x) => x.type === TYPES.key);
    expect(keys.length).toBeGreaterThan(10);
    for (const r of keys) expect(contained.find((x) => x.urn === r.urn)!.inputs).toEqual(r.inputs);
    const withoutKeyPasswords = (r: DeclaredResource) => {
      const { stringData, ...rest } = r.inputs as { stringData: Record<string, string> };
      return { ...rest, passwd: stringData[K8S.userdbDataKey]!.replace(/private_password=\S+/g, "private_password=…") };
    };
    for (const r of free.filter((x) => x.type === TYPES.secret)) {
      expect(withoutKeyPasswords(contained.find((x) => x.urn === r.urn)!)).toEqual(withoutKeyPasswords(r));
    }
  });

  it("changes a contained OX user in place: only mailEnabled and the reason, and the provider's diff replaces nothing", () => {
    const [before, after] = [userOf(free, "opeters"), userOf(contained, "opeters")];
    const changed = Object.keys({ ...before.inputs, ...after.inputs }).filter((k) => JSON.stringify(before.inputs[k]) !== JSON.stringify(after.inputs[k]));
    expect(changed.sort()).toEqual(["mailEnabled", "userAttributes"]);
    // The engine hands the provider its checked inputs; the context id is the plan's fixed one.
    const olds = { ...(withUserDefaults(before.inputs) as unknown as OxUserInputs), userId: 42 } as OxUserOutputs;
    const news = withUserDefaults(after.inputs) as unknown as OxUserInputs;
    expect(diffUser("102/42", olds, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });
});
