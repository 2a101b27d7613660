// The rehearsal target's optional containment: a deny passdb asked before every other passdb.
import { describe, expect, it } from "vitest";
import { renderDovecotConf, type ConfInput } from "../../../rehearsal/dovecot/dovecot-conf";

const input: ConfInput = {
  instanceName: "t",
  dir: "/d",
  imapPort: 1143,
  lmtpPort: 1024,
  account: { user: "nobody", group: "nogroup", uid: 65534, gid: 65534 },
  mailCrypt: false,
  userdbPath: "/d/userdb",
  masterPasswdPath: "/d/master-users",
  noPasswdPath: "/d/no-passwords",
};

describe("renderDovecotConf", () => {
  it("has no deny passdb unless asked", () => {
    expect(renderDovecotConf(input)).not.toContain("deny = yes");
  });

  it("puts the deny passdb before the master and the password passdbs", () => {
    const conf = renderDovecotConf({ ...input, denyPasswdPath: "/d/deny-logins" });
    const deny = conf.indexOf("args = /d/deny-logins\n  deny = yes");
    expect(deny).toBeGreaterThan(0);
    expect(deny).toBeLessThan(conf.indexOf("args = /d/master-users"));
    expect(deny).toBeLessThan(conf.indexOf("args = /d/no-passwords"));
  });
});
