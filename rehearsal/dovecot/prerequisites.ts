// The rehearsal needs Dovecot 2.3 with imap and lmtp; say how to install it instead of failing later.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { UsageError } from "@oxmig/core/errors";

export const INSTALL_LINE = "sudo apt-get install -y dovecot-core dovecot-imapd dovecot-lmtpd";
/** Where Debian/Ubuntu packages put Dovecot's service binaries. */
const DEBIAN_LIBEXEC = "/usr/lib/dovecot";

/** Throws UsageError (exit 2) naming the apt-get line when Dovecot 2.3, imap, lmtp or doveadm is missing. */
export function requireDovecot(): string {
  const version = spawnSync("dovecot", ["--version"], { encoding: "utf8" });
  const doveadm = spawnSync("doveadm", ["help"], { encoding: "utf8" });
  if (version.error || version.status !== 0 || doveadm.error) {
    throw new UsageError(`the rehearsal needs Dovecot 2.3 (dovecot and doveadm on PATH), which is not installed. Install it with:\n  ${INSTALL_LINE}`);
  }
  const found = version.stdout.trim();
  if (!found.startsWith("2.3.")) {
    throw new UsageError(`the rehearsal needs Dovecot 2.3 (its settings differ from 2.4), found ${found}. Install 2.3 with:\n  ${INSTALL_LINE}`);
  }
  const missing = ["imap", "lmtp"].filter((service) => existsSync(DEBIAN_LIBEXEC) && !existsSync(`${DEBIAN_LIBEXEC}/${service}`));
  if (missing.length) {
    throw new UsageError(`Dovecot ${found} is installed without ${missing.join(" and ")}. Install it with:\n  ${INSTALL_LINE}`);
  }
  return found;
}
