// Where verification talks to a Dovecot: a private rehearsal instance or a deployed backend.
import type { DovecotInstance, MasterUser } from "../dovecot/dovecot-instance";
import type { TransportSecurity } from "./transport-security";

export interface HostPort {
  readonly host: string;
  readonly port: number;
  /** Default "none", which only loopback hosts accept (transport-security.ts). */
  readonly security?: TransportSecurity;
}

export interface MailEndpoints {
  readonly lmtp: HostPort;
  readonly imap: HostPort;
  /** Reads every mailbox as `<login>*<master>`; the password is secret. */
  readonly masterUser: MasterUser;
}

/** The endpoints of a rehearsal Dovecot (loopback only). */
export function endpointsOf(instance: DovecotInstance): MailEndpoints {
  return {
    lmtp: { host: "127.0.0.1", port: instance.lmtpPort },
    imap: { host: "127.0.0.1", port: instance.imapPort },
    masterUser: instance.masterUser,
  };
}
