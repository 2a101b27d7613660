// Reads a migrate.sh back into the doveadm runs it performs, for the policies: the script is the
// thing that runs, so it is judged itself, not the program's declaration about it. Only the script
// this project renders is accepted: every line other than a `pair …` line must equal the rendered
// template, and pair lines must be plain words and single-quoted strings (nothing the shell expands).
import { readImportArgv, type DoveadmCommand } from "./lifecycle";
import { PAIR_KINDS, PAIR_PREFIX, REMIGRATE_KIND, scriptTemplate } from "./migration-script";
import type { WavePhase } from "./model";

export interface ScriptReading {
  readonly commands: readonly DoveadmCommand[];
  /** Why the script is not exactly a rendered one (each names its line). */
  readonly problems: readonly string[];
}

const BARE = /[A-Za-z0-9@%+=:,./_-]/;

/** Splits one line into words: bare characters and '…' strings (with '\'' for a quote) only. */
export function shellWords(line: string): { words: string[]; problem?: string } {
  const words: string[] = [];
  let current: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === " ") {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { words, problem: "unterminated quote" };
      current = (current ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (ch === "\\" && line[i + 1] === "'") {
      current = (current ?? "") + "'";
      i++;
    } else if (BARE.test(ch)) {
      current = (current ?? "") + ch;
    } else {
      return { words, problem: `character ${JSON.stringify(ch)} outside quotes` };
    }
  }
  if (current !== undefined) words.push(current);
  return { words };
}

function readPairLine(line: string, n: number): { command?: DoveadmCommand; problem?: string } {
  const { words, problem } = shellWords(line);
  if (problem) return { problem: `line ${n}: ${problem}` };
  const [keyword, mailboxId, stateFile, need, ...argv] = words;
  if (keyword !== "pair" || mailboxId === undefined || stateFile === undefined || !PAIR_KINDS.includes(need ?? "") || argv.length === 0) {
    return { problem: `line ${n}: not of the form "pair <mailbox id> <state file> ${PAIR_KINDS.join("|")} <doveadm argv…>"` };
  }
  if (need === REMIGRATE_KIND) {
    // The script appends only the search it computes; the argv itself must be exactly the rendered import.
    const { problem } = readImportArgv(argv);
    return { command: { mailboxId, stateFile, needsState: false, remigrate: true, argv }, ...(problem ? { problem: `line ${n}: ${problem}` } : {}) };
  }
  return { command: { mailboxId, stateFile, needsState: need === "needs-state", argv } };
}

/** The doveadm runs of a rendered migrate.sh for `wave` in `phase`, and every way it differs from one. */
export function readMigrationScript(text: string, wave: string, phase: WavePhase): ScriptReading {
  const lines = text.split("\n");
  // The table's size is part of the template (`expected=N`); pair lines belong right after its head.
  const entries = lines.filter((line) => line.startsWith(PAIR_PREFIX)).length;
  const { head, tail } = scriptTemplate(wave, phase, entries);
  const template = [...head, ...tail];
  const commands: DoveadmCommand[] = [];
  const problems: string[] = [];
  const fixed: { line: string; n: number }[] = [];
  const misplaced: string[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith(PAIR_PREFIX)) return void fixed.push({ line, n: i + 1 });
    if (i < head.length || i >= head.length + entries)
      misplaced.push(`line ${i + 1}: a pair line outside the pairing table would shift which pair each Job index runs`);
    const read = readPairLine(line, i + 1);
    if (read.command) commands.push(read.command);
    if (read.problem) problems.push(read.problem);
  });
  const length = Math.max(fixed.length, template.length);
  for (let k = 0; k < length; k++) {
    const have = fixed[k];
    if (have?.line === template[k]) continue;
    problems.push(
      have
        ? `line ${have.n} differs from the rendered script (${JSON.stringify(have.line.slice(0, 80))})`
        : `the rendered script's line ${JSON.stringify(template[k])} is missing`,
    );
    return { commands, problems }; // one difference is enough to reject; the rest would only repeat it
  }
  if (misplaced[0] !== undefined) problems.push(misplaced[0]);
  return { commands, problems };
}
