import { describe, expect, it } from "vitest";
import { pairingOf, pairingsByWave } from "@oxmig/core/pairings";
import type { Binding } from "@oxmig/core/model";

function binding(mailboxId: string, wave: string, sourceLogin: string, targetLogin: string): Binding {
  const address = { display: `${targetLogin}@a.example`, normalised: `${targetLogin}@a.example` };
  return {
    mailboxId,
    kind: "personal",
    wave,
    context: "ctx",
    planLine: 1,
    displayName: targetLogin,
    oxName: targetLogin,
    imapLogin: targetLogin,
    dovecotLogin: targetLogin,
    home: `/var/vmail/${mailboxId.slice(0, 2)}/${mailboxId}`,
    keyName: `key-${mailboxId}`,
    primaryAddress: address,
    addresses: [address],
    delegates: [],
    source: { address, exchangeGuid: `guid-${mailboxId}`, ownerGuid: "owner", login: sourceLogin, type: "UserMailbox" },
  };
}

describe("pairings", () => {
  it("source login and target login are taken from the same binding, never swapped", () => {
    expect(pairingOf(binding("id-1", "w1", "anna@src.example", "anna"))).toEqual({
      mailboxId: "id-1",
      sourceLogin: "anna@src.example",
      sourceExchangeGuid: "guid-id-1",
      targetLogin: "anna",
    });
  });

  it("a mailbox lands only in its own wave, in plan order", () => {
    const byWave = pairingsByWave([
      binding("id-1", "w1", "a@src.example", "a"),
      binding("id-2", "w2", "b@src.example", "b"),
      binding("id-3", "w1", "c@src.example", "c"),
    ]);
    expect([...byWave.keys()]).toEqual(["w1", "w2"]);
    expect(byWave.get("w1")!.map((p) => p.mailboxId)).toEqual(["id-1", "id-3"]);
    expect(byWave.get("w2")!.map((p) => p.targetLogin)).toEqual(["b"]);
  });

  it("no bindings give no waves", () => {
    expect(pairingsByWave([]).size).toBe(0);
  });
});
