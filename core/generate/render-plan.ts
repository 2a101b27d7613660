// plan.yaml, written line by line so reviewers get one short entry per mailbox
// (js-yaml's dump cannot mix block and flow style per node).
import type { FunctionalKind } from "./functional";
import type { Organisation } from "./organisations";

export type PlannedMailbox =
  { readonly source: string; readonly owner: string } | { readonly source: string; readonly kind: FunctionalKind; readonly delegates: readonly string[] };

export interface PlannedWave {
  readonly name: string;
  readonly context: string;
  readonly mailboxes: readonly PlannedMailbox[];
}

const PLAIN = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

/** Plain when that is unambiguous YAML, else a JSON string (which YAML reads the same). */
function scalar(value: string): string {
  return PLAIN.test(value) && !/^(true|false|yes|no|on|off|null|~|[0-9.e+-]+)$/i.test(value) ? value : JSON.stringify(value);
}

export function renderPlan(header: readonly string[], organisations: readonly Organisation[], waves: readonly PlannedWave[]): string {
  const lines = header.map((line) => `# ${line}`.trimEnd());
  lines.push("contexts:");
  for (const o of organisations) lines.push(`  ${scalar(o.name)}: { id: ${o.contextId}, organisation: ${scalar(o.name)} }`);
  lines.push("waves:");
  for (const wave of waves) {
    lines.push(`  - name: ${scalar(wave.name)}`, `    context: ${scalar(wave.context)}`, "    phase: copying", "    mailboxes:");
    for (const mailbox of wave.mailboxes) {
      lines.push(`      - source: ${scalar(mailbox.source)}`);
      if ("owner" in mailbox) lines.push(`        owner: ${scalar(mailbox.owner)}`);
      else lines.push(`        ${mailbox.kind}: { delegates: [${mailbox.delegates.map(scalar).join(", ")}] }`);
    }
  }
  return `${lines.join("\n")}\n`;
}
