// The policy pack's config for one stack: which exports and lock the rules reread, and what kind of stack it is.
import path from "node:path";
import type { Plan } from "@oxmig/core/model";
import type { StackSelection } from "../io/stack-selection";
import type { PolicyConfig, PolicyInfo } from "../engine/types";
import { LOCK_FILE } from "../cli/commands/lock";
import { familyOf, readFamily, shardContexts } from "./family-config";

export interface PackSettings {
  readonly directory: string;
  readonly exchange: string;
  readonly lock: string;
  readonly stackKind: "staging" | "prod";
  readonly productionDomains: readonly string[];
  readonly mailRoot: string;
  readonly contextOrganisations: Record<string, string>;
  /** Shard stack → contexts, for a shard of a stack family (unique-across-shards). */
  readonly shards?: Record<string, string[]>;
}

/** prod and prod-<shard> are production stacks unless the stack file says otherwise. */
export function stackKindOf(selection: StackSelection): "staging" | "prod" {
  const declared = selection.config.values["stackKind"];
  if (declared === "prod" || declared === "staging") return declared;
  return /^prod(-|$)/.test(selection.stack) ? "prod" : "staging";
}

function stringList(raw: string | undefined): string[] {
  if (!raw) return [];
  const parsed: unknown = JSON.parse(raw);
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === "string") : [];
}

/** Paths are relative to the project root (the pack resolves them against its parent folder). */
export function packSettings(selection: StackSelection, plan: Plan, root: string = process.cwd()): PackSettings {
  const rel = (file: string) => path.relative(root, path.join(selection.inventoryDir, file)).split(path.sep).join("/");
  return {
    directory: rel("directory.ldif"),
    exchange: rel("exchange.csv"),
    lock: rel(LOCK_FILE),
    stackKind: stackKindOf(selection),
    productionDomains: stringList(selection.config.values["productionDomains"]),
    mailRoot: selection.resolve.mailRoot ?? "/var/vmail",
    contextOrganisations: Object.fromEntries(plan.contexts.filter((c) => c.organisation !== c.name).map((c) => [c.name, c.organisation])),
    ...familyShards(selection, plan, root),
  };
}

/** A family shard's `shards` setting: every shard of its family with its contexts. */
function familyShards(selection: StackSelection, plan: Plan, root: string): { shards?: Record<string, string[]> } {
  const family = familyOf(selection);
  return family ? { shards: shardContexts(readFamily(family, root).shards, plan) } : {};
}

/** `--policy-pack-config` content: CrossGuard configures each policy separately, so every policy gets the same settings. */
export function policyPackConfig(settings: PackSettings, policies: readonly Pick<PolicyInfo, "name">[]): PolicyConfig {
  return Object.fromEntries(policies.map((p) => [p.name, { ...settings }]));
}
