// Every output format a command may offer. Each report names the ones it writes as a subset of
// these, so `--format` means the same word everywhere.
export const OUTPUT_FORMATS = ["text", "json", "sarif", "junit", "markdown"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
