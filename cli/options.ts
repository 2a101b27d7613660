import { Option } from "commander";

export type OutputFormat = "text" | "json" | "sarif" | "junit" | "markdown";

/** `--format` restricted to the formats a command supports; text is always the default. */
export function formatOption(formats: readonly OutputFormat[]): Option {
  return new Option("--format <format>", "output format").choices([...formats]).default("text");
}
