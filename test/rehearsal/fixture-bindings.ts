// Hand-built bindings for rehearsal tests and the benchmark: synthetic people on .example domains.
import { randomUUID } from "node:crypto";
import { toAddress } from "@oxmig/core/address";
import { homeFor, keyNameFor } from "@oxmig/core/ids";
import type { Binding, Person, SourceMailbox } from "@oxmig/core/model";
import { sourceEvidence, type SourceEvidence } from "@oxmig/core/source-ownership";

/** `count` personal mailboxes (user01, user02, …), each with a primary address and one alias. */
export function tinyBindings(count: number, mailRoot: string): Binding[] {
  return Array.from({ length: count }, (_, i) => {
    const uid = `user${String(i + 1).padStart(2, "0")}`;
    const mailboxId = randomUUID();
    const primary = toAddress(`${uid}@corp.example`);
    return {
      mailboxId,
      kind: "personal",
      wave: "w01",
      context: "corp",
      planLine: i + 1,
      owner: { uid, immutableId: mailboxId, displayName: `User ${i + 1}`, ou: "corp", dn: `uid=${uid},ou=corp,dc=corp,dc=example` },
      displayName: `User ${i + 1}`,
      oxName: uid,
      imapLogin: uid,
      dovecotLogin: uid,
      home: homeFor(mailboxId, mailRoot),
      keyName: keyNameFor(mailboxId),
      primaryAddress: primary,
      addresses: [primary, toAddress(`${uid}.alias@corp.example`)],
      delegates: [],
      source: {
        address: toAddress(`${uid}@exchange.corp.example`),
        exchangeGuid: randomUUID(),
        ownerGuid: randomUUID(),
        login: `${uid}@ad.corp.example`,
        type: "UserMailbox",
      },
    };
  });
}

/**
 * The exports the bindings would have been resolved from, as the directory and Exchange would say:
 * each owner an AD account whose objectGUID owns its binding's source. Build it before a test
 * crosses anything, so the evidence stays the truth the rehearsal is judged by.
 */
export function tinyEvidence(bindings: readonly Binding[]): SourceEvidence {
  const people: Person[] = bindings.flatMap((b, i) =>
    b.owner
      ? [
          {
            dn: b.owner.dn,
            immutableId: b.owner.immutableId,
            idSource: "entryUUID" as const,
            objectGuid: b.source.ownerGuid,
            uid: b.owner.uid,
            displayName: b.owner.displayName,
            mail: b.primaryAddress,
            aliases: [],
            ou: b.owner.ou,
            disabled: false,
            line: i + 1,
          },
        ]
      : [],
  );
  const sources: SourceMailbox[] = bindings.map((b, i) => ({
    line: i + 2,
    displayName: b.displayName,
    alias: b.dovecotLogin,
    samAccountName: b.dovecotLogin,
    userPrincipalName: b.source.login,
    primarySmtp: b.source.address,
    addresses: [b.source.address],
    exchangeGuid: b.source.exchangeGuid,
    type: b.source.type,
    ownerGuid: b.source.ownerGuid,
  }));
  return sourceEvidence(people, sources);
}
