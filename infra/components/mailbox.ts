// One target mailbox: its encryption key and its OX user, both named from the immutable mailbox id.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { TYPES, USER_ATTRIBUTES, type KeyKeepers } from "../../core/contract";
import type { Binding } from "../../core/model";
import { OxUser, type OxConnection } from "../ox/resources";

export interface MailboxArgs {
  /** The resolved binding; every binding-critical value comes from here, never from provider outputs. */
  readonly binding: Binding;
  /** OX SOAP connection (the admin password inside is a secret). */
  readonly connection: pulumi.Input<OxConnection>;
  /** Numeric id of the OX context (the context resource's output; not binding-critical). */
  readonly contextId: pulumi.Input<number>;
  /** IMAP server OX opens for the user, e.g. imap://dovecot:143. */
  readonly imapServer: string;
  /** SMTP server OX submits through. */
  readonly smtpServer: string;
  /** Protect the key and the OX user from deletion (prod). */
  readonly protect: boolean;
}

/** OX `userAttributes` carrying the binding's identity; `owner-id` only for personal mailboxes. */
export function userAttributesFor(binding: Binding): Record<string, string> {
  return {
    [USER_ATTRIBUTES.mailboxId]: binding.mailboxId,
    ...(binding.owner ? { [USER_ATTRIBUTES.ownerId]: binding.owner.immutableId } : {}),
    [USER_ATTRIBUTES.kind]: binding.kind,
    [USER_ATTRIBUTES.sourceGuid]: binding.source.exchangeGuid,
    [USER_ATTRIBUTES.keyName]: binding.keyName,
  };
}

export class Mailbox extends pulumi.ComponentResource {
  /** The mail_crypt private-key password (secret). */
  declare public readonly keyPassword: pulumi.Output<string>;
  declare public readonly mailboxId: string;

  constructor(name: string, args: MailboxArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(TYPES.mailboxComponent, name, {}, opts);
    const { binding, protect } = args;
    const keepers: KeyKeepers = { mailboxId: binding.mailboxId };
    const key = new random.RandomPassword(
      binding.keyName,
      { keepers: { ...keepers }, length: 48, special: false },
      { parent: this, protect, retainOnDelete: true, additionalSecretOutputs: ["result"] },
    );
    const addresses = binding.addresses.map((a) => a.display);
    const primary = binding.primaryAddress.display;
    new OxUser(
      `oxuser-${binding.mailboxId}`,
      {
        connection: args.connection,
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
      },
      { parent: this, protect },
    );
    this.mailboxId = binding.mailboxId;
    // Mocks ignore additionalSecretOutputs; marking it here keeps the value secret on every path.
    this.keyPassword = pulumi.secret(key.result);
    this.registerOutputs({ mailboxId: binding.mailboxId });
  }
}
