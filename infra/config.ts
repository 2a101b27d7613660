// Stack configuration, read once at the top of the program and handed to the components.
// The SDK does not apply Pulumi.yaml defaults under the mock runtime, so every default is
// written here, next to its setting; Pulumi.yaml repeats them for the CLI (a test keeps both equal).
import * as pulumi from "@pulumi/pulumi";
import { InputError } from "@oxmig/core/errors";
import { DEFAULT_MAIL_ROOT } from "@oxmig/core/ids";
import { selectionFilter, type SelectionFilter } from "@oxmig/core/stack-selection";
import { MIGRATION_DEFAULTS, readMigrationSettings, type MigrationSettings } from "./migration-settings";

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
  /** Empty: user calls go as the master admin, which OX accepts only with MASTER_ACCOUNT_OVERRIDE=true. */
  oxContextAdminUser: "",
  /** Empty: no context admin (set it with --secret, together with oxContextAdminUser). */
  oxContextAdminPassword: "",
  namespace: "oxmig",
  protect: false,
  migrationImage: "dovecot/dovecot:2.3.21",
  /** Name of the Secret (created outside the stack) holding imapc_master_user and imapc_password for the migration Job. */
  imapcSecretName: "oxmig-imapc-credentials",
  /** OX context quota in MB. */
  contextQuotaMb: 1048576,
  /** Empty: apply to the cluster; otherwise render manifests into this directory. */
  renderYamlTo: "",
  /** Empty: no adoptions; otherwise the adoption file `oxmig audit --adoptions` wrote, relative to the project (docs/adoption.md). */
  adoptions: "",
  /** The migration Job's image digest, storage, account, resources, deadline, source TLS, parallelism and retries, NetworkPolicy (infra/migration-settings.ts). */
  ...MIGRATION_DEFAULTS,
} as const;

export interface StackConfig {
  readonly stack: string;
  /** Inventory directory (directory.ldif, exchange.csv, plan.yaml). */
  readonly inventory: string;
  /** Waves and contexts this stack includes (absent: all; prod shards select a few contexts). */
  readonly selection: SelectionFilter;
  readonly mailRoot: string;
  /** Informational: the OX providers read endpoint and credentials themselves (infra/ox/connection.ts). */
  readonly oxEndpoint: string;
  readonly oxAdminUser: string;
  readonly imapServer: string;
  readonly smtpServer: string;
  /** Kubernetes namespace of the userdb Secrets, ConfigMaps and Jobs. */
  readonly namespace: string;
  /** Protect keys, OX contexts and OX users from deletion (prod). */
  readonly protect: boolean;
  readonly migrationImage: string;
  readonly imapcSecretName: string;
  readonly sourceImapHost: string;
  /** The migration Job's image reference, storage, account, resources, deadline and egress (checked). */
  readonly migration: MigrationSettings;
  readonly contextQuotaMb: number;
  /** Render Kubernetes manifests into this directory instead of applying them. */
  readonly renderYamlTo?: string;
  /** The reviewed adoption file (relative to the project): existing OX users the stack takes over. */
  readonly adoptions?: string;
}

/**
 * The OX credentials never reach a resource: the providers read them when they run. They are read
 * here only so a stack without the admin password, or with half a context admin, fails before
 * anything is declared.
 */
function checkOxCredentials(config: pulumi.Config, stack: string): void {
  config.requireSecret("oxAdminPassword");
  const user = config.get("oxContextAdminUser") ?? DEFAULTS.oxContextAdminUser;
  const password = config.get("oxContextAdminPassword") ?? DEFAULTS.oxContextAdminPassword;
  if ((user !== "") !== (password !== "")) {
    throw new InputError(`Pulumi.${stack}.yaml`, "config oxContextAdminUser", "oxContextAdminUser and oxContextAdminPassword go together: set both or neither");
  }
}

/** Reads the stack's config; `pulumi.Config` throws a RunError naming a missing required key. */
export function readStackConfig(config: pulumi.Config = new pulumi.Config(PROJECT)): StackConfig {
  const stack = pulumi.getStack();
  const renderYamlTo = config.get("renderYamlTo") ?? DEFAULTS.renderYamlTo;
  const adoptions = config.get("adoptions") ?? DEFAULTS.adoptions;
  checkOxCredentials(config, stack);
  return {
    stack,
    inventory: (config.get("inventory") ?? DEFAULTS.inventory) || `inventory/${stack}`,
    selection: selectionFilter(config.getObject<string[]>("waves"), config.getObject<string[]>("contexts")),
    mailRoot: config.get("mailRoot") ?? DEFAULTS.mailRoot,
    oxEndpoint: config.require("oxEndpoint"),
    oxAdminUser: config.get("oxAdminUser") ?? DEFAULTS.oxAdminUser,
    imapServer: config.require("imapServer"),
    smtpServer: config.require("smtpServer"),
    namespace: config.get("namespace") ?? DEFAULTS.namespace,
    protect: config.getBoolean("protect") ?? DEFAULTS.protect,
    migrationImage: config.get("migrationImage") ?? DEFAULTS.migrationImage,
    imapcSecretName: config.get("imapcSecretName") ?? DEFAULTS.imapcSecretName,
    sourceImapHost: config.require("sourceImapHost"),
    migration: readMigrationSettings(config, stack, config.get("migrationImage") ?? DEFAULTS.migrationImage),
    contextQuotaMb: config.getNumber("contextQuotaMb", { min: 1 }) ?? DEFAULTS.contextQuotaMb,
    ...(renderYamlTo ? { renderYamlTo } : {}),
    ...(adoptions ? { adoptions } : {}),
  };
}
