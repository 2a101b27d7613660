// Which mailboxes the incident drill crosses, and how: deterministic, personal mailboxes first.
import { describe, expect, it } from "vitest";
import type { Binding } from "@oxmig/core/model";
import { chooseSwaps, misbindingsOf, wrongPairings } from "../../../rehearsal/incident/injection";
import { tinyBindings } from "../fixture-bindings";

const asKind = (b: Binding, kind: Binding["kind"]): Binding => ({ ...b, kind, owner: undefined });

describe("chooseSwaps", () => {
  it("pairs the first personal mailboxes in plan order, at most three pairs", () => {
    const wave = tinyBindings(8, "/vmail");
    const swaps = chooseSwaps([...wave].reverse());
    expect(swaps.map((s) => [s.a.dovecotLogin, s.b.dovecotLogin])).toEqual([
      ["user01", "user02"],
      ["user03", "user04"],
      ["user05", "user06"],
    ]);
  });

  it("skips shared mailboxes while two personal ones are there, and crosses any kind when not", () => {
    const [a, b, c, d] = tinyBindings(4, "/vmail") as [Binding, Binding, Binding, Binding];
    expect(chooseSwaps([asKind(a, "shared"), b, c, asKind(d, "room")]).map((s) => [s.a.dovecotLogin, s.b.dovecotLogin])).toEqual([["user02", "user03"]]);
    expect(chooseSwaps([asKind(a, "shared"), b, asKind(c, "room")]).map((s) => [s.a.dovecotLogin, s.b.dovecotLogin])).toEqual([["user01", "user02"]]);
    expect(chooseSwaps([a])).toEqual([]);
  });
});

describe("wrongPairings", () => {
  it("crosses exactly the chosen sources; targets, ids and the rest stay", () => {
    const wave = tinyBindings(5, "/vmail");
    const swaps = chooseSwaps(wave, 1);
    const pairings = wrongPairings(wave, swaps);
    expect(pairings.map((p) => [p.targetLogin, p.sourceLogin])).toEqual([
      ["user01", "user02@ad.corp.example"],
      ["user02", "user01@ad.corp.example"],
      ["user03", "user03@ad.corp.example"],
      ["user04", "user04@ad.corp.example"],
      ["user05", "user05@ad.corp.example"],
    ]);
    expect(pairings[0]!.sourceExchangeGuid).toBe(wave[1]!.source.exchangeGuid);
    expect(pairings.map((p) => p.mailboxId)).toEqual(wave.map((b) => b.mailboxId));
    expect(misbindingsOf(swaps).map((m) => [m.target.dovecotLogin, m.sourceOf.dovecotLogin])).toEqual([
      ["user01", "user02"],
      ["user02", "user01"],
    ]);
  });
});
