// Stack configuration, read once at the top of the program and handed to the components.
// The SDK does not apply Pulumi.yaml defaults under the mock runtime, so every default is
// written here, next to its setting; Pulumi.yaml repeats them for the CLI (a test keeps both equal).
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_MAIL_ROOT } from "../core/ids";

/** Project name in Pulumi.yaml; config keys are `oxmig:<key>`. */
export const PROJECT = "oxmig";

/** Defaults of the optional settings. */
export const DEFAULTS = {
  /** Empty: `inventory/<stack>`. */
  inventory: "",
  /** Empty list: every wave of the inventory. */
  waves: [] as string[],
  /** Empty list: every context of the inventory. */
  contexts: [] as string[],
  mailRoot: DEFAULT_MAIL_ROOT,
  oxAdminUser: "oxadminmaster",
  namespace: "oxmig",
  protect: false,
  migrationImage: "dovecot/dovecot:2.3.21",
  /** Name of the Secret (created outside the stack) holding imapc.conf for the migration Job. */
  imapcSecretName: "oxmig-imapc-credentials",
  /** OX context quota in MB. */
  contextQuotaMb: 1048576,
  /** Empty: apply to the cluster; otherwise render manifests into this directory. */
  renderYamlTo: "",
} as const;

export interface StackConfig {
  readonly stack: string;
  /** Inventory directory (directory.ldif, exchange.csv, plan.yaml). */
  readonly inventory: string;
  /** Waves this stack includes (undefined: all). */
  readonly waves?: readonly string[];
  /** Contexts this stack includes (undefined: all); prod shards select a few. */
  readonly contexts?: readonly string[];
  readonly mailRoot: string;
  readonly oxEndpoint: string;
  readonly oxAdminUser: string;
  /** Secret output; never unwrap it in the program. */
  readonly oxAdminPassword: pulumi.Output<string>;
  readonly imapServer: string;
  readonly smtpServer: string;
  /** Kubernetes namespace of the userdb Secrets, ConfigMaps and Jobs. */
  readonly namespace: string;
  /** Protect keys, OX contexts and OX users from deletion (prod). */
  readonly protect: boolean;
  readonly migrationImage: string;
  readonly imapcSecretName: string;
  readonly sourceImapHost: string;
  readonly contextQuotaMb: number;
  /** Render Kubernetes manifests into this directory instead of applying them. */
  readonly renderYamlTo?: string;
}

/** Reads the stack's config; `pulumi.Config` throws a RunError naming a missing required key. */
export function readStackConfig(config: pulumi.Config = new pulumi.Config(PROJECT)): StackConfig {
  const stack = pulumi.getStack();
  const list = (key: string) => {
    const value = config.getObject<string[]>(key);
    return value && value.length > 0 ? value : undefined;
  };
  const waves = list("waves");
  const contexts = list("contexts");
  const renderYamlTo = config.get("renderYamlTo") ?? DEFAULTS.renderYamlTo;
  return {
    stack,
    inventory: (config.get("inventory") ?? DEFAULTS.inventory) || `inventory/${stack}`,
    ...(waves ? { waves } : {}),
    ...(contexts ? { contexts } : {}),
    mailRoot: config.get("mailRoot") ?? DEFAULTS.mailRoot,
    oxEndpoint: config.require("oxEndpoint"),
    oxAdminUser: config.get("oxAdminUser") ?? DEFAULTS.oxAdminUser,
    oxAdminPassword: config.requireSecret("oxAdminPassword"),
    imapServer: config.require("imapServer"),
    smtpServer: config.require("smtpServer"),
    namespace: config.get("namespace") ?? DEFAULTS.namespace,
    protect: config.getBoolean("protect") ?? DEFAULTS.protect,
    migrationImage: config.get("migrationImage") ?? DEFAULTS.migrationImage,
    imapcSecretName: config.get("imapcSecretName") ?? DEFAULTS.imapcSecretName,
    sourceImapHost: config.require("sourceImapHost"),
    contextQuotaMb: config.getNumber("contextQuotaMb", { min: 1 }) ?? DEFAULTS.contextQuotaMb,
    ...(renderYamlTo ? { renderYamlTo } : {}),
  };
}
