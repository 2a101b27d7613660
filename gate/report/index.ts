// One entry point for every report format.
import { OUTPUT_FORMATS, type OutputFormat } from "@oxmig/core/output-format";
import type { GateResult } from "../../engine/types";
import { formatJson } from "./json";
import { formatJunit } from "./junit";
import { formatMarkdown } from "./markdown";
import { formatSarif } from "./sarif";
import { formatText, type ReportOptions } from "./text";

/** The gate writes every output format. */
export const REPORT_FORMATS = OUTPUT_FORMATS;
export type ReportFormat = OutputFormat;
export type { ReportOptions };

/** Machine formats (json, sarif, junit) always carry every finding; `verbose` only affects text and markdown. */
const FORMATTERS: Record<ReportFormat, (r: GateResult, o: ReportOptions) => string> = {
  text: formatText,
  json: formatJson,
  sarif: (r) => formatSarif(r),
  junit: formatJunit,
  markdown: formatMarkdown,
};

export function formatReport(result: GateResult, format: ReportFormat, options: ReportOptions = {}): string {
  return FORMATTERS[format](result, options);
}
