// CrossGuard violations carry only a message string and a URN. Rules put the mailbox, the
// identity and the plan location into the message in a form that reads well in
// `pulumi preview` and that the gate parses back:
//   mailbox maria.mueller@fa-luebeck.example (owner mmueller): <text> [plan.yaml:14]
// Escapes keep it lossless: a text that would look like a prefix starts with "\", and a
// text that would look like a location suffix (without one) ends with " []".

export interface ViolationMessage {
  /** Mailbox id or address; no whitespace, parentheses or brackets, not ending in ":". */
  readonly mailbox?: string;
  /** Owner's uid or immutable id; same character rules as `mailbox`. */
  readonly identity?: string;
  /** Plan file the finding points to; no whitespace or brackets. */
  readonly file?: string;
  /** 1-based line in `file`. */
  readonly line?: number;
  readonly text: string;
}

const TOKEN = /^[^\s()[\]]*[^\s()[\]:]$/;
const FILE = /^[^\s[\]]+$/;
const T = "[^\\s()[\\]]*[^\\s()[\\]:]";
const PREFIX = new RegExp(`^(?:mailbox (${T})(?: \\(owner (${T})\\))?|owner (${T})): `);
const LOCATION = / \[([^\s[\]]+):([1-9]\d*)\]$/;
const NO_LOCATION = " []";
const ESCAPE = "\\";

function checkToken(field: string, value: string | undefined): void {
  if (value !== undefined && !TOKEN.test(value)) {
    throw new Error(`Invalid ${field} "${value}" in a violation message: it must be non-empty without spaces, parentheses or brackets, and not end with ":".`);
  }
}

function checkLocation(file: string | undefined, line: number | undefined): void {
  if ((file === undefined) !== (line === undefined)) {
    throw new Error(`A violation location needs both file and line (got file ${file}, line ${line}).`);
  }
  if (file !== undefined && !FILE.test(file)) {
    throw new Error(`Invalid file "${file}" in a violation message: it must be non-empty without spaces or brackets.`);
  }
  if (line !== undefined && !(Number.isSafeInteger(line) && line >= 1)) {
    throw new Error(`Invalid line ${line} in a violation message: expected a positive integer.`);
  }
}

function prefixOf(m: ViolationMessage): string {
  if (m.mailbox !== undefined) {
    return m.identity !== undefined ? `mailbox ${m.mailbox} (owner ${m.identity}): ` : `mailbox ${m.mailbox}: `;
  }
  return m.identity !== undefined ? `owner ${m.identity}: ` : "";
}

/** The message a rule passes to `reportViolation`. Throws on fields that could not be parsed back. */
export function formatViolationMessage(m: ViolationMessage): string {
  checkToken("mailbox", m.mailbox);
  checkToken("identity", m.identity);
  checkLocation(m.file, m.line);
  const prefix = prefixOf(m);
  const needsEscape = prefix === "" && (PREFIX.test(m.text) || m.text.startsWith(ESCAPE));
  const body = needsEscape ? ESCAPE + m.text : m.text;
  if (m.file !== undefined) return `${prefix}${body} [${m.file}:${m.line}]`;
  const looksLocated = LOCATION.test(body) || body.endsWith(NO_LOCATION);
  return `${prefix}${body}${looksLocated ? NO_LOCATION : ""}`;
}

/** Inverse of formatViolationMessage; any other string comes back as plain text. */
export function parseViolationMessage(message: string): ViolationMessage {
  let rest = message;
  const result: { -readonly [K in keyof ViolationMessage]: ViolationMessage[K] } = { text: "" };
  const location = LOCATION.exec(rest);
  if (rest.endsWith(NO_LOCATION)) {
    rest = rest.slice(0, -NO_LOCATION.length);
  } else if (location) {
    result.file = location[1];
    result.line = Number(location[2]);
    rest = rest.slice(0, location.index);
  }
  const prefix = PREFIX.exec(rest);
  if (prefix) {
    result.mailbox = prefix[1];
    result.identity = prefix[2] ?? prefix[3];
    rest = rest.slice(prefix[0].length);
  } else if (rest.startsWith(ESCAPE)) {
    rest = rest.slice(ESCAPE.length);
  }
  result.text = rest;
  return Object.fromEntries(Object.entries(result).filter(([, v]) => v !== undefined)) as unknown as ViolationMessage;
}
