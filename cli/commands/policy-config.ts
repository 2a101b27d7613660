// `oxmig policy-config`: the file users pass to the real engine with
// `pulumi preview --policy-pack policies --policy-pack-config <file>`: the settings the gate sends.
import type { PolicyConfig } from "../../engine/types";
import { readInventory } from "../../io/inventory";
import { stackSelection } from "../../io/stack-selection";
import { ALL_POLICIES } from "../../policies/all";
import { writeOutFile } from "../out-file";
import { packSettings, policyPackConfig } from "../../gate/policy-config";

export interface PolicyConfigOptions {
  readonly stack: string;
  readonly out?: string;
  readonly root?: string;
}

/** One entry per policy of the pack, with its effective level (as the gate configures it). */
export function stackPolicyConfig(stack: string, root: string = process.cwd()): PolicyConfig {
  const selection = stackSelection(stack, root);
  const settings = packSettings(selection, readInventory(selection.inventoryDir).plan, root);
  const policies = ALL_POLICIES.map((p) => ({ name: p.name, enforcementLevel: p.enforcementLevel ?? "mandatory" }));
  const config = policyPackConfig(settings, policies);
  return Object.fromEntries(policies.map((p) => [p.name, { enforcementLevel: p.enforcementLevel, ...(config[p.name] as object) }]));
}

export function policyConfigCommand(opts: PolicyConfigOptions): number {
  const json = `${JSON.stringify(stackPolicyConfig(opts.stack, opts.root), null, 2)}\n`;
  if (!opts.out) {
    process.stdout.write(json);
    return 0;
  }
  writeOutFile(opts.out, json);
  process.stderr.write(`wrote ${opts.out}; use it with: pulumi preview --stack ${opts.stack} --policy-pack policies --policy-pack-config ${opts.out}\n`);
  return 0;
}
