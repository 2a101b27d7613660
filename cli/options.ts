import { Option } from "commander";

import type { OutputFormat } from "@oxmig/core/output-format";

export type { OutputFormat };

/** `--format` restricted to the formats a command supports; text is always the default. */
export function formatOption(formats: readonly OutputFormat[]): Option {
  return new Option("--format <format>", "output format").choices([...formats]).default("text");
}
