// Markdown for a pull-request comment: the verdict, then a table of findings.
import type { GateResult, GateViolation } from "../types";
import { verdict } from "./text";

function cell(s: string | undefined): string {
  const escaped = (s ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return escaped.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

function code(s: string | undefined): string {
  return s === undefined ? "" : `\`${s.replace(/`/g, "'")}\``;
}

function row(v: GateViolation): string {
  const where = v.file !== undefined ? code(`${v.file}:${v.line}`) : "";
  return `| ${v.level} | ${code(v.policy)} | ${code(v.mailbox)} | ${code(v.identity)} | ${cell(v.message)} | ${where} |`;
}

export function formatMarkdown(result: GateResult): string {
  const lines = [`### Gate: ${cell(verdict(result))}`, ""];
  if (result.violations.length > 0) {
    lines.push("| Level | Policy | Mailbox | Identity | Finding | Plan |", "|---|---|---|---|---|---|");
    const ordered = [...result.violations].sort((a, b) => (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1));
    lines.push(...ordered.map(row));
  }
  return lines.join("\n") + "\n";
}
