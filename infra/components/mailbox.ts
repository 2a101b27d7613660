// One target mailbox: its encryption key and its OX user, both named from the immutable mailbox id.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { USER_ATTRIBUTES, type KeyKeepers } from "@oxmig/core/contract";
import type { Binding } from "@oxmig/core/model";
import { OxUser } from "../ox/resources";

export interface MailboxArgs {
  /** The resolved binding; every binding-critical value comes from here, never from provider outputs. */
  readonly binding: Binding;
  /** Numeric id of the OX context: the plan's fixed id, else the context resource's output (not binding-critical). */
  readonly contextId: pulumi.Input<number>;
  /** The OX context resource: the user is created after it, whichever way its id arrives. */
  readonly oxContext: pulumi.Resource;
  /** IMAP server OX opens for the user, e.g. imap://dovecot:143. */
  readonly imapServer: string;
  /** SMTP server OX submits through. */
  readonly smtpServer: string;
  /** Protect the key and the OX user from deletion (prod). */
  readonly protect: boolean;
  /** An existing OX user this mailbox takes over, matched by evidence (the reviewed adoption file, docs/adoption.md). */
  readonly adoptUserId?: number;
}

/** OX `userAttributes` carrying the binding's identity; `owner-id` only for personal mailboxes, `context-exception` only when planned. */
export function userAttributesFor(binding: Binding): Record<string, string> {
  return {
    [USER_ATTRIBUTES.mailboxId]: binding.mailboxId,
    ...(binding.owner ? { [USER_ATTRIBUTES.ownerId]: binding.owner.immutableId } : {}),
    [USER_ATTRIBUTES.kind]: binding.kind,
    [USER_ATTRIBUTES.sourceGuid]: binding.source.exchangeGuid,
    [USER_ATTRIBUTES.keyName]: binding.keyName,
    // The plan's reason for a context outside the owner's organisation, for context-matches-organisation.
    ...(binding.contextException ? { [USER_ATTRIBUTES.contextException]: binding.contextException } : {}),
    // Why the user is disabled, for OX's admins and for bindings-match-lock (the lock records the same reason).
    ...(binding.contain ? { [USER_ATTRIBUTES.containment]: binding.contain } : {}),
  };
}

/**
 * Declares one mailbox's key and OX user under `parent` (the context component) and returns the key's
 * password output (secret: RandomPassword marks `result` as a secret output). No component of its own:
 * a per-mailbox ComponentResource added a third registration per mailbox and no identity.
 */
export function declareMailbox(args: MailboxArgs, parent: pulumi.Resource): pulumi.Output<string> {
  const { binding, protect } = args;
  const keepers: KeyKeepers = { mailboxId: binding.mailboxId };
  const key = new random.RandomPassword(
    binding.keyName,
    { keepers: { ...keepers }, length: 48, special: false },
    { parent, protect, retainOnDelete: true, additionalSecretOutputs: ["result"] },
  );
  const addresses = binding.addresses.map((a) => a.display);
  const primary = binding.primaryAddress.display;
  new OxUser(
    `oxuser-${binding.mailboxId}`,
    {
      contextName: binding.context,
      contextId: args.contextId,
      name: binding.oxName,
      displayName: binding.displayName,
      primaryEmail: primary,
      email1: primary,
      defaultSenderAddress: primary,
      aliases: addresses,
      imapLogin: binding.imapLogin,
      imapServer: args.imapServer,
      smtpServer: args.smtpServer,
      userAttributes: userAttributesFor(binding),
      // Containment disables the user in place (an OX `change`); the user, its key and its userdb line stay.
      mailEnabled: binding.contain === undefined,
      ...(args.adoptUserId !== undefined ? { adoptUserId: args.adoptUserId } : {}),
    },
    { parent, protect, dependsOn: [args.oxContext] },
  );
  return key.result;
}
