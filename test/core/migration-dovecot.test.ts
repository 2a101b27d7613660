import { describe, expect, it } from "vitest";
import { MAIL_CRYPT_SETTINGS, TARGET_MAIL_SETTINGS } from "@oxmig/core/dovecot-settings";
import { mailAccountOf, mailAccountProblem, MIGRATION_DOVECOT_PATHS, renderMigrationDovecotConf } from "@oxmig/core/migration-dovecot";
import { MIGRATION_PATHS } from "@oxmig/core/migration-script";

const vmail = { user: "vmail", group: "vmail", uid: 5000, gid: 5000 };

describe("the migration Job's dovecot.conf", () => {
  it("is the file doveadm.conf includes, with the pod's paths, the target's mail settings and mail_crypt", () => {
    expect(MIGRATION_DOVECOT_PATHS.conf).toBe(MIGRATION_PATHS.targetConf);
    const conf = renderMigrationDovecotConf(vmail);
    for (const line of [...TARGET_MAIL_SETTINGS, ...MAIL_CRYPT_SETTINGS]) expect(conf).toContain(line);
    expect(conf).toContain("userdb {\n  driver = passwd-file\n  args = /etc/dovecot/userdb\n}");
    expect(conf).toMatch(/^base_dir = \/run\/dovecot$/m);
    expect(conf).toMatch(/^protocols =$/m);
    // Only the storage owner's uid may open mail, whatever a userdb line says.
    expect(conf).toMatch(/^first_valid_uid = 5000\nlast_valid_uid = 5000$/m);
  });

  it("names the account so it can be rendered again (the pack compares verbatim)", () => {
    const account = { user: "mail-owner", group: "mail_grp", uid: 8, gid: 12 };
    expect(mailAccountOf(renderMigrationDovecotConf(account))).toEqual(account);
    expect(mailAccountOf("mail_uid = 8\n")).toBeUndefined();
    expect(mailAccountOf(renderMigrationDovecotConf(account).replace("mail_uid = 8", "mail_uid = vmail"))).toBeUndefined();
  });

  it("refuses root, ids that are no integers and names Dovecot would misread", () => {
    expect(mailAccountProblem(vmail)).toBeUndefined();
    expect(mailAccountProblem({ ...vmail, uid: 0 })).toEqual({ field: "uid", problem: "0 is not an id from 1 to 2147483647 (never root)" });
    expect(mailAccountProblem({ ...vmail, gid: 1.5 })?.field).toBe("gid");
    expect(mailAccountProblem({ ...vmail, user: "vmail\nmail_uid = 0" })?.field).toBe("user");
    expect(mailAccountProblem({ ...vmail, group: "Mail" })?.field).toBe("group");
    expect(() => renderMigrationDovecotConf({ ...vmail, uid: 0 })).toThrow("mail storage account uid: 0 is not an id");
  });
});
