// Hand-made bindings for the component helpers' tests.
import type { Binding } from "@oxmig/core/model";

const address = (raw: string) => ({ display: raw, normalised: raw.toLowerCase() });

export function personalBinding(login: string, mailboxId: string, context = "im", wave = "w01-im"): Binding {
  return {
    mailboxId,
    kind: "personal",
    wave,
    context,
    planLine: 3,
    owner: { uid: login, immutableId: mailboxId, displayName: `Person ${login}`, ou: context, dn: `uid=${login},ou=${context}` },
    displayName: `Person ${login}`,
    oxName: login,
    imapLogin: login,
    dovecotLogin: login,
    home: `/var/vmail/${mailboxId.slice(0, 2)}/${mailboxId}`,
    keyName: `key-${mailboxId}`,
    primaryAddress: address(`${login}@im.example`),
    addresses: [address(`${login}@im.example`)],
    delegates: [],
    source: {
      address: address(`${login}@src.example`),
      exchangeGuid: `ex-${mailboxId}`,
      ownerGuid: `ad-${mailboxId}`,
      login: `${login}@land.example`,
      type: "UserMailbox",
    },
  };
}

export function sharedBinding(alias: string, exchangeGuid: string): Binding {
  const { owner: _owner, ...rest } = personalBinding(`shared-${alias}`, exchangeGuid);
  return { ...rest, kind: "shared", source: { ...rest.source, exchangeGuid, type: "SharedMailbox" } };
}
