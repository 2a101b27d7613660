// Text checks shared by the input parsers: strict UTF-8 decoding, and characters that have no place in
// a name because a strict XML parser (OX's SOAP endpoint) rejects them or a terminal/report misreads them.
import { isUtf8 } from "node:buffer";
import { InputError } from "./errors";

const LF = 0x0a;

/**
 * C0 controls (tab, LF and CR included), DEL, C1 controls, U+2028/U+2029 line and paragraph
 * separators, lone surrogates and the non-characters U+FFFE/U+FFFF. XML 1.0 forbids most of them
 * outright; tab, LF and CR are legal XML but an attribute parser folds them to spaces, so the stored
 * name would silently differ from the export.
 */
const FORBIDDEN = /[\p{Cc}\u2028\u2029\uFFFE\uFFFF]|\p{Cs}/u;

const NAMED: Readonly<Record<number, string>> = {
  0x00: "NUL",
  0x09: "tab",
  0x0a: "line feed",
  0x0d: "carriage return",
  0x1b: "escape",
  0x7f: "DEL",
  0x85: "next line",
};

function kindOf(code: number): string {
  if (code <= 0x9f) return `the control character`;
  if (code === 0x2028) return "the line separator";
  if (code === 0x2029) return "the paragraph separator";
  return code >= 0xd800 && code <= 0xdfff ? "the lone surrogate" : "the non-character";
}

/** Why `value` cannot be a name (the first forbidden character and where, never the value itself), or undefined. */
export function forbiddenCharacterProblem(value: string): string | undefined {
  const match = FORBIDDEN.exec(value);
  if (!match) return undefined;
  const code = match[0].codePointAt(0)!;
  const name = NAMED[code];
  const position = [...value.slice(0, match.index)].length + 1;
  return `contains ${kindOf(code)} U+${code.toString(16).toUpperCase().padStart(4, "0")}${name ? ` (${name})` : ""} at character ${position}`;
}

/** The 1-based line holding the first byte that is not UTF-8, or undefined when all are. */
export function firstNonUtf8Line(bytes: Uint8Array): number | undefined {
  // LF (0x0A) never occurs inside a multi-byte UTF-8 sequence: the file is UTF-8 exactly when every line is.
  let line = 1;
  for (let start = 0; start <= bytes.length; line++) {
    let end = bytes.indexOf(LF, start);
    if (end < 0) end = bytes.length;
    if (!isUtf8(bytes.subarray(start, end))) return line;
    start = end + 1;
  }
  return undefined;
}

/**
 * Decodes a file's bytes as UTF-8, refusing (instead of turning into U+FFFD) any byte that is not:
 * InputError naming the line. `keepBom` leaves a leading U+FEFF in the text for a parser that strips it.
 */
export function decodeUtf8(bytes: Uint8Array, file: string, options: { keepBom?: boolean; hint?: string } = {}): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: options.keepBom === true }).decode(bytes);
  } catch {
    const line = firstNonUtf8Line(bytes);
    throw new InputError(file, line !== undefined ? `line ${line}` : undefined, `the file is not valid UTF-8${options.hint ? `; ${options.hint}` : ""}`);
  }
}
