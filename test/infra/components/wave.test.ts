import { describe, expect, it } from "vitest";
import { K8S } from "@oxmig/core/contract";
import { LIFECYCLE_DATA_KEY } from "@oxmig/core/lifecycle";
import { renderMigrationDovecotConf } from "@oxmig/core/migration-dovecot";
import { waveConfigData } from "../../../infra/components/wave";

const pairings = [{ mailboxId: "aa11", sourceLogin: "anna@land.example", sourceExchangeGuid: "ex-aa11", targetLogin: "anna" }];

describe("waveConfigData", () => {
  it("holds the pairing table, the script built from the same table, the doveadm and the Dovecot config", () => {
    const mailAccount = { user: "mail", group: "mail", uid: 8, gid: 12 };
    const data = waveConfigData({ wave: { name: "w01-im", context: "im", phase: "copying" }, pairings, sourceImapHost: "exchange.land.example", mailAccount });
    expect(Object.keys(data).sort()).toEqual(["doveadm.conf", "dovecot.conf", LIFECYCLE_DATA_KEY, "migrate.sh", K8S.pairingsDataKey].sort());
    expect(data["dovecot.conf"]).toBe(renderMigrationDovecotConf(mailAccount));
    expect(JSON.parse(data[K8S.pairingsDataKey]!)).toEqual(pairings);
    expect(data["migrate.sh"]).toContain("'imapc_user=anna@land.example' 'backup' '-R' '-s' '' '-u' 'anna' 'imapc:'");
    expect(JSON.parse(data[LIFECYCLE_DATA_KEY]!)).toEqual({ phase: "copying", mode: "backup-reverse", stateVolume: "migration-state-w01-im", canaries: false });
    expect(data["doveadm.conf"]).toContain("imapc_host = exchange.land.example");
  });

  it("a wave in cut-over gets a script that runs no backup -R", () => {
    const data = waveConfigData({ wave: { name: "w01-im", context: "im", phase: "cut-over" }, pairings, sourceImapHost: "exchange.land.example" });
    expect(data["migrate.sh"]).not.toMatch(/'backup'/);
    expect(data["migrate.sh"]).toContain("'sync' '-1' '-R' '-s' '@state@'");
  });
});
