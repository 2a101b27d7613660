// A small RFC 2849 content-record reader and writer. Written here because the npm `ldif` package
// decodes `attr::` values as UTF-8 text, which corrupts binary values such as AD objectGUID.
// Works on bytes so that a fold inside a UTF-8 sequence (some writers fold by byte count) rejoins.
import { isUtf8 } from "node:buffer";
import { InputError } from "./errors";

export interface LdifValue {
  /** UTF-8 decoded value (binary values decode lossily: use `bytes`). */
  readonly text: string;
  /** The raw bytes of a base64 (`attr::`) value. */
  readonly bytes?: Uint8Array;
  /** 1-based line where the value starts. */
  readonly line: number;
}

export interface LdifEntry {
  readonly dn: string;
  /** 1-based line of `dn:`. */
  readonly line: number;
  /** Lower-cased attribute base names (options such as `;lang-de` dropped) → values in file order. */
  readonly attributes: Map<string, LdifValue[]>;
}

export interface LdifRecordToWrite {
  dn: string;
  attributes: [string, string | Uint8Array][];
}

interface LogicalLine {
  readonly bytes: Buffer;
  readonly line: number;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const HASH = 0x23;
const FOLD_WIDTH = 76;
const ATTRIBUTE_NAME = /^([A-Za-z][A-Za-z0-9-]*|[0-9]+(\.[0-9]+)*)(;[A-Za-z0-9-]+)*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const CHANGE_RECORD_ATTRIBUTES = new Set(["changetype", "control"]);

/** Parses LDIF content records. `input` may be the file's text or its bytes. */
export function parseLdif(input: string | Uint8Array, file: string): LdifEntry[] {
  // One Buffer for the whole file: subarray() then shares its memory instead of copying every line.
  const bytes = typeof input === "string" ? Buffer.from(input, "utf8") : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const records = groupRecords(unfold(stripBom(bytes), file), file);
  return records.map((record) => toEntry(record, file)).filter((e): e is LdifEntry => e !== undefined);
}

function stripBom(bytes: Buffer): Buffer {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

/** Physical lines → logical lines: continuation lines (one leading space) join their predecessor; comments go. */
function unfold(bytes: Buffer, file: string): (LogicalLine | "separator")[] {
  const out: (LogicalLine | "separator")[] = [];
  let current: { parts: Buffer[]; line: number; comment: boolean } | undefined;
  const flush = () => {
    if (current && !current.comment) out.push({ bytes: concat(current.parts), line: current.line });
    current = undefined;
  };
  let start = 0;
  for (let lineNo = 1; start <= bytes.length; lineNo++) {
    let end = bytes.indexOf(LF, start);
    if (end < 0) end = bytes.length;
    const raw = bytes.subarray(start, end > start && bytes[end - 1] === CR ? end - 1 : end);
    start = end + 1;
    if (raw.length === 0) {
      flush();
      if (end < bytes.length) out.push("separator");
    } else if (raw[0] === SPACE) {
      if (!current) throw new InputError(file, `line ${lineNo}`, "continuation line (starts with a space) before any attribute");
      current.parts.push(raw.subarray(1));
    } else {
      flush();
      current = { parts: [raw], line: lineNo, comment: raw[0] === HASH };
    }
  }
  flush();
  return out;
}

function concat(parts: Buffer[]): Buffer {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** Splits logical lines into records at blank lines; drops a leading `version: 1`. */
function groupRecords(lines: (LogicalLine | "separator")[], file: string): LogicalLine[][] {
  const records: LogicalLine[][] = [];
  let current: LogicalLine[] = [];
  for (const line of lines) {
    if (line === "separator") {
      if (current.length > 0) records.push(current);
      current = [];
    } else current.push(line);
  }
  if (current.length > 0) records.push(current);
  const first = records[0]?.[0];
  if (first && /^version:/i.test(first.bytes.toString("latin1", 0, 8))) {
    const version = parseAttribute(first, file);
    if (version.value.text !== "1") throw new InputError(file, `line ${first.line}`, `unsupported LDIF version "${version.value.text}" (expected 1)`);
    records[0]!.shift();
    if (records[0]!.length === 0) records.shift();
  }
  return records;
}

function toEntry(record: LogicalLine[], file: string): LdifEntry | undefined {
  const [dnLine, ...rest] = record;
  if (!dnLine) return undefined;
  const dn = parseAttribute(dnLine, file);
  if (dn.name !== "dn") {
    throw new InputError(file, `line ${dnLine.line}`, `record without dn: it starts with "${dn.name}:" (each record must begin with "dn:")`);
  }
  if (dn.value.bytes && !isUtf8(dn.value.bytes)) throw new InputError(file, `line ${dnLine.line}`, `"dn::" value is not valid UTF-8 text`);
  const attributes = new Map<string, LdifValue[]>();
  for (const line of rest) {
    const { name, value } = parseAttribute(line, file);
    if (CHANGE_RECORD_ATTRIBUTES.has(name)) {
      throw new InputError(
        file,
        `line ${line.line}`,
        `"${name}:" marks an LDIF change record; export the directory as content records (ldapsearch/ldifde export)`,
      );
    }
    if (name === "dn") throw new InputError(file, `line ${line.line}`, "second dn: in one record (records must be separated by a blank line)");
    const values = attributes.get(name) ?? [];
    values.push(value);
    attributes.set(name, values);
  }
  return { dn: dn.value.text, line: dnLine.line, attributes };
}

/** `name[;options]: value`, `name:: base64` → lower-cased base name and value. */
function parseAttribute(line: LogicalLine, file: string): { name: string; value: LdifValue } {
  const where = `line ${line.line}`;
  const colon = line.bytes.indexOf(0x3a);
  if (colon < 0) throw new InputError(file, where, `expected "attribute: value" but the line has no colon`);
  const description = line.bytes.toString("latin1", 0, colon);
  if (!ATTRIBUTE_NAME.test(description)) throw new InputError(file, where, `invalid attribute name "${description}"`);
  const name = description.split(";")[0]!.toLowerCase();
  const after = line.bytes.subarray(colon + 1);
  if (after[0] === 0x3a) return { name, value: decodeBase64(after.subarray(1), line.line, file, name) };
  if (after[0] === 0x3c) throw new InputError(file, where, `"${name}:<" URL values are not supported; put the value inline`);
  return { name, value: decodeSafe(after, line.line, file, name) };
}

function skipFill(bytes: Buffer): Buffer {
  let i = 0;
  while (bytes[i] === SPACE) i++;
  return bytes.subarray(i);
}

function decodeBase64(after: Buffer, line: number, file: string, name: string): LdifValue {
  const encoded = skipFill(after).toString("latin1");
  if (!BASE64.test(encoded)) throw new InputError(file, `line ${line}`, `"${name}::" value is not valid base64`);
  const decoded = Buffer.from(encoded, "base64");
  return { text: decoded.toString("utf8"), bytes: new Uint8Array(decoded), line };
}

/** Raw values: UTF-8 is accepted (many tools write it), control characters that break lines are not. */
function decodeSafe(after: Buffer, line: number, file: string, name: string): LdifValue {
  const value = skipFill(after);
  const where = `line ${line}`;
  if (value.includes(0) || value.includes(CR)) {
    throw new InputError(file, where, `"${name}" value contains NUL or CR; such values must be base64-encoded with "${name}::"`);
  }
  if (!isUtf8(value)) {
    throw new InputError(file, where, `"${name}" value is not valid UTF-8; export as UTF-8 or base64-encode it with "${name}::"`);
  }
  return { text: value.toString("utf8"), line };
}

/** RFC 2849 SAFE-STRING (ASCII without NUL, LF, CR; not starting with space, ":" or "<"), and no trailing space. */
function isSafe(value: string): boolean {
  if (value === "") return true;
  if (value.startsWith(" ") || value.startsWith(":") || value.startsWith("<") || value.endsWith(" ")) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0 || code === LF || code === CR || code > 0x7f) return false;
  }
  return true;
}

function formatLine(name: string, value: string | Uint8Array): string {
  if (typeof value === "string" && isSafe(value)) return `${name}: ${value}`;
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value);
  return `${name}:: ${bytes.toString("base64")}`;
}

/** Folds a (pure ASCII) line at 76 characters: the continuation lines start with one space. */
function fold(line: string): string {
  if (line.length <= FOLD_WIDTH) return line;
  const parts = [line.slice(0, FOLD_WIDTH)];
  for (let i = FOLD_WIDTH; i < line.length; i += FOLD_WIDTH - 1) parts.push(` ${line.slice(i, i + FOLD_WIDTH - 1)}`);
  return parts.join("\n");
}

/** Writes LDIF content records; non-safe strings and all byte values are base64-encoded. */
export function formatLdif(records: LdifRecordToWrite[]): string {
  const blocks = records.map((record) =>
    [formatLine("dn", record.dn), ...record.attributes.map(([name, value]) => formatLine(name, value))].map(fold).join("\n"),
  );
  return ["version: 1", ...blocks].join("\n\n") + "\n";
}
