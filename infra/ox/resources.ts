// The OX resources the Pulumi program declares. Types come out as TYPES.oxContext / TYPES.oxUser
// ("pulumi-nodejs:dynamic/ox:Context" / ":User"), which the policy pack matches on.
// No connection among the inputs: the providers read endpoint and credentials from the stack config
// (or the environment) when they run (connection.ts), so no state holds the admin password and a
// rotated password changes no resource.

import * as pulumi from "@pulumi/pulumi";
import { oxContextProvider } from "./context-provider";
import { oxUserProvider } from "./user-provider";

export interface OxContextArgs {
  /** OX context name. */
  readonly name: pulumi.Input<string>;
  /**
   * The plan's OX context id, sent on create (OX requires one). Leave it out only where OX's
   * autocontextid plugin assigns ids; with the plugin, a given id is overwritten and create fails.
   */
  readonly contextId?: pulumi.Input<number>;
  readonly maxQuotaMb: pulumi.Input<number>;
  readonly loginMappings: pulumi.Input<pulumi.Input<string>[]>;
  /** Address of the context admin OX creates with the context; default: oxadmin@<first login mapping with a dot>. */
  readonly adminEmail?: pulumi.Input<string>;
}

export interface OxUserArgs {
  readonly contextName: pulumi.Input<string>;
  readonly contextId: pulumi.Input<number>;
  /** OX login (`name`); a change forces replacement. */
  readonly name: pulumi.Input<string>;
  readonly displayName: pulumi.Input<string>;
  /** Default: displayName (OX requires a given name). */
  readonly givenName?: pulumi.Input<string>;
  /** Default: displayName (OX requires a surname). */
  readonly surName?: pulumi.Input<string>;
  /** A change forces replacement (PRIMARY_MAIL_UNCHANGEABLE). */
  readonly primaryEmail: pulumi.Input<string>;
  readonly email1: pulumi.Input<string>;
  readonly defaultSenderAddress: pulumi.Input<string>;
  readonly aliases: pulumi.Input<pulumi.Input<string>[]>;
  readonly imapLogin: pulumi.Input<string>;
  readonly imapServer: pulumi.Input<string>;
  readonly smtpServer: pulumi.Input<string>;
  /** "namespace/name" → value, e.g. USER_ATTRIBUTES from core/contract. */
  readonly userAttributes: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Default de_DE. */
  readonly language?: pulumi.Input<string>;
  /** Default Europe/Berlin. */
  readonly timezone?: pulumi.Input<string>;
  /**
   * OX `mailenabled`, default true. false disables the user: OX refuses the user's login and sessions
   * (read in OX's source, not run: DefaultAuthorizationImpl throws USER_DISABLED). A change is an
   * in-place `change`, never a replacement: containment keeps the user, its id and its mail.
   */
  readonly mailEnabled?: pulumi.Input<boolean>;
  /**
   * Take over this existing OX user (its id in the context) instead of creating one: a legacy user the
   * audit matched by evidence (docs/adoption.md; set from the adoption file by infra/ox/adoption.ts).
   * Read by create only: no diff, no state, so removing it later replaces nothing.
   */
  readonly adoptUserId?: pulumi.Input<number>;
}

export class OxContext extends pulumi.dynamic.Resource {
  declare public readonly contextId: pulumi.Output<number>;
  declare public readonly name: pulumi.Output<string>;
  declare public readonly maxQuotaMb: pulumi.Output<number>;
  declare public readonly loginMappings: pulumi.Output<string[]>;

  constructor(name: string, args: OxContextArgs, opts?: pulumi.CustomResourceOptions) {
    super(oxContextProvider, name, { ...args, contextId: args.contextId }, opts, "ox", "Context");
  }
}

export class OxUser extends pulumi.dynamic.Resource {
  declare public readonly userId: pulumi.Output<number>;
  declare public readonly name: pulumi.Output<string>;
  declare public readonly contextId: pulumi.Output<number>;
  declare public readonly contextName: pulumi.Output<string>;
  declare public readonly imapLogin: pulumi.Output<string>;
  declare public readonly primaryEmail: pulumi.Output<string>;
  declare public readonly aliases: pulumi.Output<string[]>;
  declare public readonly userAttributes: pulumi.Output<Record<string, string>>;
  declare public readonly mailEnabled: pulumi.Output<boolean>;

  constructor(name: string, args: OxUserArgs, opts?: pulumi.CustomResourceOptions) {
    super(oxUserProvider, name, { ...args, userId: undefined }, opts, "ox", "User");
  }
}
