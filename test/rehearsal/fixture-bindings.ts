// Hand-built bindings for rehearsal tests and the benchmark: synthetic people on .example domains.
import { randomUUID } from "node:crypto";
import { toAddress } from "../../core/address";
import { homeFor, keyNameFor } from "../../core/ids";
import type { Binding } from "../../core/model";

/** `count` personal mailboxes (user01, user02, …), each with a primary address and one alias. */
export function tinyBindings(count: number, mailRoot: string): Binding[] {
  return Array.from({ length: count }, (_, i) => {
    const uid = `user${String(i + 1).padStart(2, "0")}`;
    const mailboxId = randomUUID();
    const primary = toAddress(`${uid}@corp.example`);
    return {
      mailboxId, kind: "personal", wave: "w01", context: "corp", planLine: i + 1,
      owner: { uid, immutableId: mailboxId, displayName: `User ${i + 1}`, ou: "corp", dn: `uid=${uid},ou=corp,dc=corp,dc=example` },
      displayName: `User ${i + 1}`, oxName: uid, imapLogin: uid, dovecotLogin: uid,
      home: homeFor(mailboxId, mailRoot), keyName: keyNameFor(mailboxId),
      primaryAddress: primary,
      addresses: [primary, toAddress(`${uid}.alias@corp.example`)],
      delegates: [],
      source: { address: toAddress(`${uid}@exchange.corp.example`), exchangeGuid: randomUUID(), ownerGuid: randomUUID(), login: `${uid}@ad.corp.example`, type: "UserMailbox" },
    };
  });
}
