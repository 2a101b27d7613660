// The whole stack from resolved bindings: which contexts and waves this stack covers, and their components.
import * as k8s from "@pulumi/kubernetes";
import { InputError } from "../../core/errors";
import type { Binding, ContextSpec, Plan, Wave as WaveSpec } from "../../core/model";
import { pairingsByWave } from "../../core/pairings";
import type { StackConfig } from "../config";
import { ContextStack } from "./context-stack";
import { declareDelegation } from "./delegation";
import { declareMigrationNetwork } from "./migration-network";
import { Wave } from "./wave";

export interface StackSelection {
  readonly contexts: ContextSpec[];
  readonly waves: WaveSpec[];
}

/** Contexts and waves selected by the stack's `contexts`/`waves` config; unknown names are input errors. */
export function selectFromPlan(plan: Plan, config: Pick<StackConfig, "stack" | "waves" | "contexts">): StackSelection {
  const stackFile = `Pulumi.${config.stack}.yaml`;
  const declared = new Map(plan.contexts.map((c) => [c.name, c]));
  for (const w of plan.waves) if (!declared.has(w.context)) declared.set(w.context, { name: w.context, organisation: w.context });
  const known = (kind: string, names: readonly string[] | undefined, all: Set<string>) => {
    for (const n of names ?? []) {
      if (!all.has(n)) throw new InputError(stackFile, `config ${kind}`, `"${n}" is not in the plan (known: ${[...all].sort().join(", ")})`);
    }
  };
  known("contexts", config.contexts, new Set(declared.keys()));
  known("waves", config.waves, new Set(plan.waves.map((w) => w.name)));
  const waves = plan.waves.filter((w) => (!config.waves || config.waves.includes(w.name)) && (!config.contexts || config.contexts.includes(w.context)));
  const contexts = [...declared.values()].filter(
    (c) => (!config.contexts || config.contexts.includes(c.name)) && (!config.waves || waves.some((w) => w.context === c.name)),
  );
  return { contexts, waves };
}

/** Kubernetes provider that writes manifests instead of applying them (needs the Pulumi CLI; secrets land in plaintext). */
function k8sProviderFor(config: StackConfig): k8s.Provider | undefined {
  if (!config.renderYamlTo) return undefined;
  return new k8s.Provider("render-yaml", { renderYamlToDirectory: config.renderYamlTo, namespace: config.namespace });
}

/** Declares every component; returns the mailbox count per context (no secrets). */
export function declareMigrationStack(config: StackConfig, plan: Plan, bindings: readonly Binding[]): Record<string, number> {
  const selection = selectFromPlan(plan, config);
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
