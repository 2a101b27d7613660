// exchange.csv (Get-Mailbox … | Export-Csv -NoTypeInformation -Encoding UTF8) → source mailboxes.
import { parse } from "csv-parse/sync";
import { toAddress } from "./address";
import { InputError, InputErrors } from "./errors";
import { canonicalUuid } from "./ids";
import type { Address, RecipientType, SourceMailbox } from "./model";
import { firstNonUtf8Line, forbiddenCharacterProblem } from "./text";

export const EXCHANGE_COLUMNS = [
  "DisplayName",
  "Alias",
  "SamAccountName",
  "UserPrincipalName",
  "PrimarySmtpAddress",
  "EmailAddresses",
  "ExchangeGuid",
  "RecipientTypeDetails",
  "Guid",
] as const;
type Column = (typeof EXCHANGE_COLUMNS)[number];
type Row = Record<Column, string>;

const RECIPIENT_TYPES: readonly RecipientType[] = ["UserMailbox", "SharedMailbox", "RoomMailbox", "EquipmentMailbox"];
const ZERO_GUID = "00000000-0000-0000-0000-000000000000";
const REEXPORT = "re-export with Export-Csv -NoTypeInformation -Encoding UTF8";
/** Free-text columns: they reach OX, the lock and reports, so control characters are refused (the others have a grammar). */
const TEXT_COLUMNS = ["DisplayName", "Alias", "SamAccountName", "UserPrincipalName"] as const satisfies readonly Column[];

/**
 * Decodes the export's bytes as UTF-8, refusing what PowerShell writes without `-Encoding UTF8`
 * (UTF-16 "Unicode", ANSI code pages). Strips nothing: a UTF-8 BOM is left for the CSV parser.
 */
export function decodeExportBytes(bytes: Buffer, file: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputError(file, undefined, `the file is UTF-16 (byte order mark ${bytes[0] === 0xff ? "FF FE" : "FE FF"}); ${REEXPORT}`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const line = firstNonUtf8Line(bytes);
    throw new InputError(file, line !== undefined ? `line ${line}` : undefined, `the file is not valid UTF-8 (probably an ANSI code page); ${REEXPORT}`);
  }
  checkDecodedText(text, file);
  return text;
}

function checkDecodedText(text: string, file: string): void {
  const lineOf = (index: number) => `line ${text.slice(0, index).split("\n").length}`;
  const nul = text.indexOf("\0");
  if (nul >= 0) throw new InputError(file, lineOf(nul), `NUL characters: the file looks UTF-16 encoded; ${REEXPORT}`);
  const replacement = text.indexOf("\uFFFD");
  if (replacement >= 0) {
    throw new InputError(file, lineOf(replacement), `replacement character U+FFFD: the text was damaged by a wrong encoding; ${REEXPORT}`);
  }
}

/** Parses the Exchange export; throws InputError (one problem) or InputErrors (several). */
export function parseExchange(text: string, file: string): SourceMailbox[] {
  checkDecodedText(text, file);
  const body = text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
  if (body.startsWith("#TYPE")) {
    throw new InputError(file, "line 1", `starts with a "#TYPE" line from Export-Csv; re-export with Export-Csv -NoTypeInformation`);
  }
  const records = parseRecords(body, file);
  const header = records.shift();
  if (!header) throw new InputError(file, undefined, `the file is empty; expected a header line with ${EXCHANGE_COLUMNS.join(", ")}`);
  const columns = checkHeader(header.fields, file);
  const errors: InputError[] = [];
  const mailboxes: SourceMailbox[] = [];
  for (const record of records) {
    const row = Object.fromEntries(columns.map((c, i) => [c, record.fields[i]!])) as Row;
    const fail = (problem: string) => errors.push(new InputError(file, `line ${record.line}`, problem));
    const mailbox = toMailbox(row, record.line, fail);
    if (mailbox) mailboxes.push(mailbox);
  }
  // A loop, not push(...): a spread of more than ~125k duplicates overflows the call stack.
  for (const error of duplicates(mailboxes, file)) errors.push(error);
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new InputErrors(errors);
  return mailboxes;
}

interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

/** The first line of a record: csv-parse reports the last one and prefixes skipped blank lines to `raw`. */
function startLine(endLine: number, raw: string | undefined): number {
  const inner = (raw ?? "").replace(/^\n+/, "").replace(/\n$/, "");
  return endLine - (inner.match(/\n/g)?.length ?? 0);
}

function parseRecords(body: string, file: string): CsvRecord[] {
  try {
    const rows = parse(body, { info: true, raw: true, skip_empty_lines: true, relax_column_count: false }) as unknown as {
      record: string[];
      raw: string;
      info: { lines: number };
    }[];
    return rows.map((r) => ({ fields: r.record, line: startLine(r.info.lines, r.raw) }));
  } catch (err) {
    const e = err as { code?: string; lines?: number; raw?: string; message: string };
    if (!e.code?.startsWith("CSV_") && e.code !== "INVALID_OPENING_QUOTE") throw err;
    const where = e.lines ? `line ${startLine(e.lines, e.raw)}` : undefined;
    throw new InputError(file, where, csvProblem(e.code, e.message));
  }
}

function csvProblem(code: string | undefined, message: string): string {
  if (code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH") {
    const m = /expect (\d+), got (\d+)/.exec(message);
    return m ? `the row has ${m[2]} fields but the header has ${m[1]} (a stray comma or an unquoted value?)` : message;
  }
  if (code === "CSV_QUOTE_NOT_CLOSED") return "a quoted field is never closed (missing closing quote)";
  return message;
}

function checkHeader(names: string[], file: string): Column[] {
  const known = new Set<string>(EXCHANGE_COLUMNS);
  const problems: string[] = [];
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) problems.push(`unknown column${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => `"${n}"`).join(", ")}`);
  const missing = EXCHANGE_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) problems.push(`missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`);
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length > 0) problems.push(`repeated column ${repeated.join(", ")}`);
  if (problems.length > 0) {
    throw new InputError(file, "line 1", `${problems.join("; ")} (expected exactly: ${EXCHANGE_COLUMNS.join(", ")})`);
  }
  return names as Column[];
}

function toMailbox(row: Row, line: number, fail: (problem: string) => void): SourceMailbox | undefined {
  let failed = false;
  const check = <T>(value: T | undefined, problem: () => string): T | undefined => {
    if (value === undefined) {
      failed = true;
      fail(problem());
    }
    return value;
  };
  for (const column of TEXT_COLUMNS) {
    const problem = forbiddenCharacterProblem(row[column]);
    if (problem) check(undefined, () => `${column} ${problem}`);
  }
  const parsedPrimary = tryAddress(row.PrimarySmtpAddress);
  const primarySmtp = check(typeof parsedPrimary === "string" ? undefined : parsedPrimary, () => `PrimarySmtpAddress: ${parsedPrimary as string}`);
  const exchangeGuid = check(guid(row.ExchangeGuid), () => `ExchangeGuid "${row.ExchangeGuid}" is not a GUID (or is all zeros)`);
  const ownerGuid = check(guid(row.Guid), () => `Guid "${row.Guid}" is not a GUID (or is all zeros)`);
  const type = check(
    RECIPIENT_TYPES.find((t) => t === row.RecipientTypeDetails),
    () => `RecipientTypeDetails "${row.RecipientTypeDetails}" is not one of ${RECIPIENT_TYPES.join(", ")}`,
  );
  const addresses = proxyAddresses(row.EmailAddresses, primarySmtp, (problem) => check(undefined, () => problem));
  if (failed || !primarySmtp || !exchangeGuid || !ownerGuid || !type || !addresses) return undefined;
  return {
    line,
    displayName: row.DisplayName,
    alias: row.Alias,
    samAccountName: row.SamAccountName,
    userPrincipalName: row.UserPrincipalName,
    primarySmtp,
    addresses,
    exchangeGuid,
    type,
    ownerGuid,
  };
}

/** The parsed address, or why it is malformed. */
function tryAddress(raw: string): Address | string {
  try {
    return toAddress(raw);
  } catch (err) {
    return (err as Error).message;
  }
}

function guid(raw: string): string | undefined {
  const id = canonicalUuid(raw);
  return id === ZERO_GUID ? undefined : id;
}

/** `SMTP:primary;smtp:secondary;X500:…` → SMTP addresses, primary first; other prefixes dropped. */
function proxyAddresses(field: string, primarySmtp: Address | undefined, fail: (problem: string) => void): Address[] | undefined {
  const primaries: Address[] = [];
  const secondaries: Address[] = [];
  for (const entry of field.split(";").map((e) => e.trim())) {
    const colon = entry.indexOf(":");
    const prefix = entry.slice(0, Math.max(colon, 0));
    if (prefix !== "SMTP" && prefix !== "smtp") continue;
    const parsed = tryAddress(entry.slice(colon + 1));
    if (typeof parsed === "string") return void fail(`EmailAddresses: ${parsed}`);
    (prefix === "SMTP" ? primaries : secondaries).push(parsed);
  }
  const [primary, ...extraPrimaries] = primaries;
  if (!primary || extraPrimaries.length > 0) {
    return void fail(`EmailAddresses must hold exactly one "SMTP:" (primary) address, found ${primaries.length}`);
  }
  if (primarySmtp && primary.normalised !== primarySmtp.normalised) {
    return void fail(`EmailAddresses primary "SMTP:${primary.display}" differs from PrimarySmtpAddress "${primarySmtp.display}"`);
  }
  const seen = new Set([primary.normalised]);
  const unique = secondaries.filter((a) => !seen.has(a.normalised) && seen.add(a.normalised));
  return [primary, ...unique];
}

function duplicates(mailboxes: SourceMailbox[], file: string): InputError[] {
  const errors: InputError[] = [];
  const byGuid = new Map<string, number>();
  const bySmtp = new Map<string, number>();
  for (const m of mailboxes) {
    const sameGuid = byGuid.get(m.exchangeGuid);
    if (sameGuid !== undefined) errors.push(new InputError(file, `line ${m.line}`, `duplicate ExchangeGuid ${m.exchangeGuid}: also on line ${sameGuid}`));
    else byGuid.set(m.exchangeGuid, m.line);
    const sameSmtp = bySmtp.get(m.primarySmtp.normalised);
    if (sameSmtp !== undefined)
      errors.push(new InputError(file, `line ${m.line}`, `duplicate PrimarySmtpAddress ${m.primarySmtp.display}: also on line ${sameSmtp}`));
    else bySmtp.set(m.primarySmtp.normalised, m.line);
  }
  return errors;
}
