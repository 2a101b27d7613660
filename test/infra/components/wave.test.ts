import { describe, expect, it } from "vitest";
import { K8S } from "../../../core/contract";
import { waveConfigData } from "../../../infra/components/wave";

const pairings = [{ mailboxId: "aa11", sourceLogin: "anna@land.example", sourceExchangeGuid: "ex-aa11", targetLogin: "anna" }];

describe("waveConfigData", () => {
  it("holds the pairing table, the script built from the same table and the doveadm config", () => {
    const data = waveConfigData({ wave: { name: "w01-im", context: "im", phase: "copying" }, pairings, sourceImapHost: "exchange.land.example" });
    expect(Object.keys(data).sort()).toEqual(["doveadm.conf", "migrate.sh", K8S.pairingsDataKey].sort());
    expect(JSON.parse(data[K8S.pairingsDataKey]!)).toEqual(pairings);
    expect(data["migrate.sh"]).toContain("copy 'anna@land.example' 'anna'");
    expect(data["doveadm.conf"]).toContain("imapc_host = exchange.land.example");
  });

  it("a wave in cut-over gets a script that runs no backup -R", () => {
    const data = waveConfigData({ wave: { name: "w01-im", context: "im", phase: "cut-over" }, pairings, sourceImapHost: "exchange.land.example" });
    expect(data["migrate.sh"]).not.toMatch(/doveadm .*backup/);
  });
});
