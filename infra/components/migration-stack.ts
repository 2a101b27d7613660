// The whole stack from resolved bindings: which contexts and waves this stack covers, and their components.
import * as k8s from "@pulumi/kubernetes";
import type { Binding } from "@oxmig/core/model";
import { pairingsByWave } from "@oxmig/core/pairings";
import type { PlanSelection } from "@oxmig/core/stack-selection";
import type { StackConfig } from "../config";
import { ContextStack } from "./context-stack";
import { declareDelegation } from "./delegation";
import { declareMigrationNetwork } from "./migration-network";
import { Wave } from "./wave";

/** Kubernetes provider that writes manifests instead of applying them (needs the Pulumi CLI; secrets land in plaintext). */
function k8sProviderFor(config: StackConfig): k8s.Provider | undefined {
  if (!config.renderYamlTo) return undefined;
  return new k8s.Provider("render-yaml", { renderYamlToDirectory: config.renderYamlTo, namespace: config.namespace });
}

/** Declares every component of the selected contexts and waves; returns the mailbox count per context (no secrets). */
export function declareMigrationStack(
  config: StackConfig,
  selection: PlanSelection,
  bindings: readonly Binding[],
  adoptions: ReadonlyMap<string, number> = new Map(),
): Record<string, number> {
  const k8sProvider = k8sProviderFor(config);
  const provider = k8sProvider ? { k8sProvider } : {};
  // The OX resources get no connection: their providers read it from the stack config (infra/ox/connection.ts).
  const counts: Record<string, number> = {};
  for (const context of selection.contexts) {
    const own = bindings.filter((b) => b.context === context.name);
    const contextStack = new ContextStack(`ctx-${context.name}`, {
      context,
      bindings: own,
      quotaMb: config.contextQuotaMb,
      imapServer: config.imapServer,
      smtpServer: config.smtpServer,
      namespace: config.namespace,
      protect: config.protect,
      adoptions,
      ...provider,
    });
    declareDelegation({ context: context.name, bindings: own, namespace: config.namespace, ...provider }, contextStack);
    counts[context.name] = own.length;
  }
  const pairings = pairingsByWave(bindings);
  for (const wave of selection.waves) {
    new Wave(`wave-${wave.name}`, {
      wave,
      pairings: pairings.get(wave.name) ?? [],
      namespace: config.namespace,
      imapcSecretName: config.imapcSecretName,
      sourceImapHost: config.sourceImapHost,
      mailRoot: config.mailRoot,
      migration: config.migration,
      ...provider,
    });
  }
  // Egress of the migration pods: the source IMAP and DNS only (docs/program.md, "The migration Job").
  if (selection.waves.length > 0) {
    declareMigrationNetwork({ stack: config.stack, namespace: config.namespace, settings: config.migration }, k8sProvider ? { provider: k8sProvider } : {});
  }
  return counts;
}
