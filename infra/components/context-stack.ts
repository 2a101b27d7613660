// One OX context: the context itself, its mailboxes and the Dovecot userdb that binds logins to homes and keys.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { containedLogins, renderDenyList } from "@oxmig/core/containment";
import { K8S, TYPES, type UserdbIndexEntry } from "@oxmig/core/contract";
import type { Binding, ContextSpec } from "@oxmig/core/model";
import { renderUserdb } from "@oxmig/core/userdb";
import { OxContext } from "../ox/resources";
import { declareMailbox } from "./mailbox";

export interface ContextStackArgs {
  /** The context as the plan declares it (name, fixed id, organisation). */
  readonly context: ContextSpec;
  /** Bindings of this context's selected waves. */
  readonly bindings: readonly Binding[];
  /** Context quota in MB. */
  readonly quotaMb: number;
  readonly imapServer: string;
  readonly smtpServer: string;
  /** Kubernetes namespace of the userdb Secret and the deny list. */
  readonly namespace: string;
  /** Protect the context, keys and OX users (prod). */
  readonly protect: boolean;
  /** Explicit Kubernetes provider (rendering manifests); default: the ambient one. */
  readonly k8sProvider?: k8s.Provider;
  /** mailbox id → the existing OX user it takes over (infra/ox/adoption.ts, from the reviewed adoption file). */
  readonly adoptions?: ReadonlyMap<string, number>;
}

/** The userdb's binding-critical lines, sorted by login, computed from bindings (known at preview). */
export function userdbIndex(bindings: readonly Binding[]): UserdbIndexEntry[] {
  return bindings
    .map((b) => ({ login: b.dovecotLogin, home: b.home, mailboxId: b.mailboxId, keyName: b.keyName }))
    .sort((a, b) => (a.login < b.login ? -1 : a.login > b.login ? 1 : 0));
}

/** OX login mappings: the context name and, when it differs, the directory organisation. */
export function loginMappingsFor(context: ContextSpec): string[] {
  return [...new Set([context.name, context.organisation])];
}

export class ContextStack extends pulumi.ComponentResource {
  declare public readonly mailboxCount: number;

  constructor(name: string, args: ContextStackArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(TYPES.contextComponent, name, {}, opts);
    const { context, bindings, protect } = args;
    const oxContext = new OxContext(
      `ox-context-${context.name}`,
      {
        name: context.name,
        ...(context.id !== undefined ? { contextId: context.id } : {}),
        maxQuotaMb: args.quotaMb,
        loginMappings: loginMappingsFor(context),
      },
      { parent: this, protect },
    );
    // A fixed id from the plan goes in as a plain value: an Output input costs the SDK an await and a
    // dependency walk per user (≈ 3 s of 17 for 5,000 mailboxes); dependsOn keeps the creation order.
    const contextId = context.id ?? oxContext.contextId;
    const keyPasswords = bindings.map((binding) =>
      declareMailbox(
        {
          binding,
          contextId,
          oxContext,
          imapServer: args.imapServer,
          smtpServer: args.smtpServer,
          protect,
          adoptUserId: args.adoptions?.get(binding.mailboxId),
        },
        this,
      ),
    );
    this.createUserdb(context.name, bindings, keyPasswords, args);
    this.createDenyList(context.name, bindings, args);
    this.mailboxCount = bindings.length;
    this.registerOutputs({ mailboxCount: bindings.length });
  }

  /**
   * The context's deny list (core/containment.ts): the contained logins, which the production
   * Dovecot's deny passdb refuses. Always declared, empty when nobody is contained: containing or
   * releasing someone is an update, and a missing file would refuse nobody. No secret in it.
   */
  private createDenyList(contextName: string, bindings: readonly Binding[], args: ContextStackArgs) {
    const name = `deny-${contextName}`;
    return new k8s.core.v1.ConfigMap(
      name,
      {
        metadata: { name, namespace: args.namespace, labels: { [K8S.labelContext]: contextName, [K8S.labelRole]: "deny" } },
        data: { [K8S.denyDataKey]: renderDenyList(containedLogins(bindings)) },
      },
      { parent: this, ...(args.k8sProvider ? { provider: args.k8sProvider } : {}) },
    );
  }

  /** One apply over all keys of the context (not one per mailbox): the passwd-file as a secret. */
  private createUserdb(contextName: string, bindings: readonly Binding[], keys: readonly pulumi.Output<string>[], args: ContextStackArgs) {
    // pulumi.secret: mocks do not apply additionalSecretOutputs, so the passwd-file is marked here on every path.
    // It holds every key password, so with new keys it is unknown at preview as a whole; the index
    // annotation below is its known structure (docs/gate-evidence.md, "unknown at preview").
    const passwd = pulumi.secret(
      pulumi.all([...keys]).apply((keyPasswords) =>
        renderUserdb(
          bindings.map((b, i) => ({ login: b.dovecotLogin, home: b.home, keyPassword: keyPasswords[i]! })),
          { duplicateLogins: "keep" },
        ),
      ),
    );
    const name = `userdb-${contextName}`;
    return new k8s.core.v1.Secret(
      name,
      {
        metadata: {
          name,
          namespace: args.namespace,
          labels: { [K8S.labelContext]: contextName, [K8S.labelRole]: "userdb" },
          annotations: { [K8S.annotationUserdbIndex]: JSON.stringify(userdbIndex(bindings)) },
        },
        type: "Opaque",
        stringData: { [K8S.userdbDataKey]: passwd },
      },
      { parent: this, ...(args.k8sProvider ? { provider: args.k8sProvider } : {}) },
    );
  }
}
