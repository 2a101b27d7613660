// Inputs that used to crash or pass silently: invalid UTF-8 (became U+FFFD), control characters in
// names (OX's strict XML parser rejects them), a `__proto__` context (dropped). Each is an input error
// naming the file, the line and the field.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "@oxmig/core/errors";
import { readInventory } from "../../io/inventory";
import { errorsOf } from "../support/input-errors";

const GOOD = join(__dirname, "../fixtures/inputs/good");
const made: string[] = [];

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary copy of the good inventory with one file's bytes edited. */
function inventoryWith(name: "directory.ldif" | "exchange.csv" | "plan.yaml", edit: (bytes: Buffer) => Buffer): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "oxmig-edges-"));
  made.push(dir);
  for (const f of ["directory.ldif", "exchange.csv", "plan.yaml"]) copyFileSync(join(GOOD, f), join(dir, f));
  writeFileSync(join(dir, name), edit(readFileSync(join(GOOD, name))));
  return { dir, file: join(dir, name) };
}

/** Replaces the first occurrence of `from` (UTF-8) by the given bytes. */
function replaceBytes(from: string, to: Buffer | string): (bytes: Buffer) => Buffer {
  return (bytes) => {
    const at = bytes.indexOf(from);
    if (at < 0) throw new Error(`"${from}" not in fixture`);
    return Buffer.concat([bytes.subarray(0, at), Buffer.from(to), bytes.subarray(at + Buffer.byteLength(from))]);
  };
}

const lineOf = (file: string, text: string) =>
  readFileSync(join(GOOD, file), "utf8")
    .split("\n")
    .findIndex((l) => l.includes(text)) + 1;
const LATIN1_UMLAUT = Buffer.from("J\xfcrgen", "latin1"); // "Jürgen" saved as Windows-1252: 0xFC is not UTF-8

function onlyError(dir: string): InputError {
  const errors = errorsOf(() => readInventory(dir));
  expect(errors).toHaveLength(1);
  expect(errors[0]!.exitCode).toBe(2);
  return errors[0]!;
}

describe("invalid UTF-8 is refused with its line, never turned into U+FFFD", () => {
  it("plan.yaml", () => {
    const { dir, file } = inventoryWith(
      "plan.yaml",
      replaceBytes("# Synthetic migration plan for tests.", Buffer.concat([Buffer.from("# Plan of "), LATIN1_UMLAUT])),
    );
    expect(onlyError(dir).message).toBe(`${file}: line 1: the file is not valid UTF-8; save plan.yaml as UTF-8`);
  });

  it("plan.yaml, an invalid byte further down", () => {
    const line = lineOf("plan.yaml", "owner: jschmidt");
    const { dir, file } = inventoryWith("plan.yaml", replaceBytes("owner: jschmidt", Buffer.concat([Buffer.from("owner: jschmidt # "), LATIN1_UMLAUT])));
    expect(onlyError(dir).message).toBe(`${file}: line ${line}: the file is not valid UTF-8; save plan.yaml as UTF-8`);
  });

  it("exchange.csv", () => {
    const { dir, file } = inventoryWith(
      "exchange.csv",
      replaceBytes('"Jana ""JJ"" Schmidt"', Buffer.concat([Buffer.from('"'), LATIN1_UMLAUT, Buffer.from(' Schmidt"')])),
    );
    expect(onlyError(dir).message).toMatch(new RegExp(`^${file}: line 3: the file is not valid UTF-8 .*-Encoding UTF8`));
  });

  it("directory.ldif, a base64 display name that decodes to bytes that are not UTF-8", () => {
    const line = lineOf("directory.ldif", "displayName:: TWFyaWEgTcO8");
    const notUtf8 = Buffer.concat([Buffer.from("Maria M"), Buffer.from([0xfc]), Buffer.from("ller")]).toString("base64");
    const { dir, file } = inventoryWith("directory.ldif", replaceBytes("displayName:: TWFyaWEgTcO8\n bGxlcg==", `displayName:: ${notUtf8}`));
    expect(onlyError(dir).message).toBe(`${file}: line ${line}: "displayName::" value is not valid UTF-8 text`);
  });

  it("directory.ldif, a raw value", () => {
    const line = lineOf("directory.ldif", "givenName: Maria");
    const { dir, file } = inventoryWith("directory.ldif", replaceBytes("givenName: Maria", Buffer.concat([Buffer.from("givenName: "), LATIN1_UMLAUT])));
    expect(onlyError(dir).message).toMatch(new RegExp(`^${file}: line ${line}: "givenname" value is not valid UTF-8`));
  });
});

describe("control characters in names are refused, naming file, line and field", () => {
  it("a display name in directory.ldif (base64, so the export carried it on purpose)", () => {
    const line = lineOf("directory.ldif", "displayName:: TWFyaWEgTcO8");
    const withBell = Buffer.from("Maria M\u00fcller\u0007").toString("base64");
    const { dir, file } = inventoryWith("directory.ldif", replaceBytes("displayName:: TWFyaWEgTcO8\n bGxlcg==", `displayName:: ${withBell}`));
    expect(onlyError(dir).message).toBe(`${file}: line ${line}: displayName contains the control character U+0007 at character 13`);
  });

  it("a tab in a raw cn of directory.ldif", () => {
    const line = lineOf("directory.ldif", "cn:: TWFyaWEgTcO8bGxlcg==");
    const { dir, file } = inventoryWith("directory.ldif", replaceBytes("cn:: TWFyaWEgTcO8bGxlcg==", "cn: Maria\tMueller"));
    expect(onlyError(dir).message).toBe(`${file}: line ${line}: cn contains the control character U+0009 (tab) at character 6`);
  });

  it("a terminal escape in a DisplayName of exchange.csv", () => {
    const { dir, file } = inventoryWith("exchange.csv", replaceBytes('"Jana ""JJ"" Schmidt"', '"Jana \u001b[31mSchmidt"'));
    expect(onlyError(dir).message).toBe(`${file}: line 3: DisplayName contains the control character U+001B (escape) at character 6`);
  });

  it("a C1 control and a line separator in exchange.csv, each on its own line", () => {
    const { dir, file } = inventoryWith("exchange.csv", (b) =>
      replaceBytes('"Jana ""JJ"" Schmidt"', '"Jana\u0085Schmidt"')(replaceBytes('"mmueller"', '"mm\u2028ueller"')(b)),
    );
    expect(errorsOf(() => readInventory(dir)).map((e) => e.message)).toEqual([
      `${file}: line 2: SamAccountName contains the line separator U+2028 at character 3`,
      `${file}: line 3: DisplayName contains the control character U+0085 (next line) at character 5`,
    ]);
  });

  it("an escaped control character in plan.yaml", () => {
    const line = lineOf("plan.yaml", "fa-kiel: { id: 102 }");
    const { dir, file } = inventoryWith("plan.yaml", replaceBytes("fa-kiel: { id: 102 }", 'fa-kiel: { id: 102, organisation: "fa\\tkiel" }'));
    expect(onlyError(dir).message).toBe(
      `${file}: line ${line}: contexts.fa-kiel.organisation: the value contains the control character U+0009 (tab) at character 3`,
    );
  });
});

describe("keys JavaScript treats specially are refused in plan.yaml", () => {
  it("a __proto__ context, which zod's record would drop silently", () => {
    const line = lineOf("plan.yaml", "fa-kiel: { id: 102 }");
    const { dir, file } = inventoryWith("plan.yaml", replaceBytes("fa-kiel: { id: 102 }", "fa-kiel: { id: 102 }\n  __proto__: { id: 103 }"));
    expect(onlyError(dir).message).toBe(
      `${file}: line ${line + 1}: contexts.__proto__: the key "__proto__" is not allowed (JavaScript reads it as the prototype, so the entry would be lost)`,
    );
  });

  it("a __proto__ key inside a mailbox", () => {
    const line = lineOf("plan.yaml", "owner: jschmidt");
    const { dir, file } = inventoryWith("plan.yaml", replaceBytes("owner: jschmidt", "owner: jschmidt\n        __proto__: { owner: mmueller }"));
    expect(onlyError(dir).message).toMatch(
      new RegExp(`^${file}: line ${line + 1}: waves\\[0\\]\\.mailboxes\\[1\\]\\.__proto__: the key "__proto__" is not allowed`),
    );
  });

  it("a context named constructor", () => {
    const line = lineOf("plan.yaml", "fa-kiel: { id: 102 }");
    const { dir, file } = inventoryWith("plan.yaml", replaceBytes("fa-kiel: { id: 102 }", "fa-kiel: { id: 102 }\n  constructor: { id: 103 }"));
    expect(onlyError(dir).message).toBe(`${file}: line ${line + 1}: contexts.constructor: a context name must not be "constructor" or "prototype" (reserved)`);
  });
});
