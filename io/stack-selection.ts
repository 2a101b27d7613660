// Which inventory and which part of it a stack covers, from Pulumi.<stack>.yaml.
import path from "node:path";
import type { ResolveOptions } from "../core/bindings";
import { InputError } from "../core/errors";
import { DEFAULT_MAIL_ROOT } from "../core/ids";
import { readStackConfig, type StackConfig } from "./stack-config";

export interface StackSelection {
  readonly stack: string;
  readonly config: StackConfig;
  readonly inventoryDir: string;
  readonly resolve: ResolveOptions;
}

function list(config: StackConfig, key: string): string[] | undefined {
  const raw = config.values[key];
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === "string")) {
    throw new InputError(config.file, `config ${key}`, `expected a list of names, found ${raw}`);
  }
  // An empty list means "everything", as in Pulumi.yaml's defaults.
  return parsed.length ? parsed : undefined;
}

export function stackSelection(stack: string, root: string = process.cwd()): StackSelection {
  const config = readStackConfig(stack, root);
  const inventoryDir = path.resolve(root, config.values["inventory"] ?? path.join("inventory", stack));
  const waves = list(config, "waves");
  const contexts = list(config, "contexts");
  return {
    stack,
    config,
    inventoryDir,
    resolve: {
      mailRoot: config.values["mailRoot"] ?? DEFAULT_MAIL_ROOT,
      ...(waves ? { waves } : {}),
      ...(contexts ? { contexts } : {}),
    },
  };
}
