import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeExportBytes, EXCHANGE_COLUMNS, parseExchange } from "@oxmig/core/exchange";
import { errorsOf } from "../support/input-errors";

const FIXTURE = join(__dirname, "../fixtures/inputs/good/exchange.csv");
const FILE = "inventory/staging/exchange.csv";
const HEADER = EXCHANGE_COLUMNS.map((c) => `"${c}"`).join(",");

/** A valid row; `over` replaces columns by name. */
function row(n: number, over: Partial<Record<(typeof EXCHANGE_COLUMNS)[number], string>> = {}): string {
  const hex = n.toString(16).padStart(12, "0");
  const values: Record<string, string> = {
    DisplayName: `User ${n}`,
    Alias: `user${n}`,
    SamAccountName: `user${n}`,
    UserPrincipalName: `user${n}@corp.example`,
    PrimarySmtpAddress: `user${n}@fa-luebeck.example`,
    EmailAddresses: `SMTP:user${n}@fa-luebeck.example`,
    ExchangeGuid: `aaaaaaaa-0000-4000-8000-${hex}`,
    RecipientTypeDetails: "UserMailbox",
    Guid: `bbbbbbbb-0000-4000-8000-${hex}`,
    ...over,
  };
  return EXCHANGE_COLUMNS.map((c) => `"${values[c]!.replace(/"/g, '""')}"`).join(",");
}

function csv(...rows: string[]): string {
  return [HEADER, ...rows].join("\r\n") + "\r\n";
}

describe("parseExchange on the fixture (BOM, CRLF, quoted commas and quotes)", () => {
  const mailboxes = parseExchange(decodeExportBytes(readFileSync(FIXTURE), FILE), FILE);

  it("reads every row with its line", () => {
    expect(mailboxes.map((m) => [m.line, m.alias, m.type])).toEqual([
      [2, "maria.mueller", "UserMailbox"],
      [3, "jana.schmidt", "UserMailbox"],
      [4, "poststelle", "SharedMailbox"],
      [5, "raum-101", "RoomMailbox"],
      [6, "juergen.weiss", "UserMailbox"],
    ]);
  });

  it("keeps a comma inside a quoted DisplayName and undoubles quotes", () => {
    expect(mailboxes[0]?.displayName).toBe("Müller, Maria");
    expect(mailboxes[1]?.displayName).toBe('Jana "JJ" Schmidt');
  });

  it("keeps SMTP addresses primary first and drops X500 and SIP", () => {
    expect(mailboxes[0]?.addresses.map((a) => a.normalised)).toEqual(["maria.mueller@fa-luebeck.example", "m.mueller@fa-luebeck.example"]);
    expect(mailboxes[2]?.addresses.map((a) => a.normalised)).toEqual(["poststelle@fa-luebeck.example", "post@fa-luebeck.example"]);
  });

  it("canonicalises GUIDs (braces, upper case)", () => {
    expect(mailboxes[0]?.ownerGuid).toBe("a7b8c9d0-1e2f-4a3b-8c4d-5e6f7a8b9c0d");
    expect(mailboxes[4]?.ownerGuid).toBe("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
  });
});

describe("parseExchange layout", () => {
  it("accepts the columns in any order", () => {
    const order = [...EXCHANGE_COLUMNS].reverse();
    const values = row(1).split(",").reverse().join(",");
    const [m] = parseExchange(`${order.join(",")}\n${values}\n`, FILE);
    expect(m).toMatchObject({ alias: "user1", type: "UserMailbox", exchangeGuid: "aaaaaaaa-0000-4000-8000-000000000001" });
  });

  it("counts lines of a row that follows a multi-line quoted field and blank lines", () => {
    // A line break in a display name is refused (a control character); one between proxy addresses is not.
    const text = csv(row(1, { EmailAddresses: "SMTP:user1@fa-luebeck.example;\r\nX500:/o=Land" }), "", row(2));
    expect(parseExchange(text, FILE).map((m) => m.line)).toEqual([2, 5]);
  });
});

describe("parseExchange rejects", () => {
  const cases: [string, string, string, RegExp][] = [
    [
      "an unknown column",
      csv(row(1))
        .replace('"Guid"\r\n', '"Guid","Department"\r\n')
        .replace(/"\r\n$/, '","Steuer"\r\n'),
      "line 1",
      /unknown column "Department"/,
    ],
    [
      "a missing column",
      csv(row(1))
        .replace(',"Guid"', "")
        .replace(/,"bbbbbbbb[^"]*"/, ""),
      "line 1",
      /missing column Guid/,
    ],
    [
      "a #TYPE line (Export-Csv without -NoTypeInformation)",
      "#TYPE Deserialized.Microsoft.Exchange.Data.Directory.Management.Mailbox\r\n" + csv(row(1)),
      "line 1",
      /-NoTypeInformation/,
    ],
    ["a row with too many fields", csv(row(1), row(2) + ',"extra"'), "line 3", /the row has 10 fields but the header has 9/],
    ["a row with too few fields", csv(row(1), row(2).replace(/,"[^"]*"$/, "")), "line 3", /the row has 8 fields but the header has 9/],
    ["an unclosed quote", csv(row(1), '"User 2,x'), "line 3", /never closed/],
    [
      "a primary SMTP: differing from PrimarySmtpAddress",
      csv(row(1, { EmailAddresses: "SMTP:other@fa-luebeck.example" })),
      "line 2",
      /differs from PrimarySmtpAddress/,
    ],
    ["EmailAddresses without SMTP:", csv(row(1, { EmailAddresses: "smtp:user1@fa-luebeck.example;X500:/o=Corp" })), "line 2", /exactly one "SMTP:".*found 0/],
    [
      "an unknown RecipientTypeDetails",
      csv(row(1, { RecipientTypeDetails: "LinkedMailbox" })),
      "line 2",
      /"LinkedMailbox" is not one of UserMailbox, SharedMailbox/,
    ],
    [
      "a malformed PrimarySmtpAddress",
      csv(row(1, { PrimarySmtpAddress: "user1 at example" })),
      "line 2",
      /PrimarySmtpAddress: "user1 at example" is not an e-mail address/,
    ],
    ["an all-zero ExchangeGuid", csv(row(1, { ExchangeGuid: "00000000-0000-0000-0000-000000000000" })), "line 2", /ExchangeGuid .* all zeros/],
    [
      "a duplicate ExchangeGuid",
      csv(row(1), row(2, { ExchangeGuid: "aaaaaaaa-0000-4000-8000-000000000001" })),
      "line 3",
      /duplicate ExchangeGuid .*also on line 2/,
    ],
    [
      "a duplicate PrimarySmtpAddress",
      csv(row(1), row(2, { PrimarySmtpAddress: "USER1@fa-luebeck.example", EmailAddresses: "SMTP:user1@fa-luebeck.example" })),
      "line 3",
      /duplicate PrimarySmtpAddress .*also on line 2/,
    ],
  ];
  for (const [what, text, where, problem] of cases) {
    it(`${what}, naming file and line`, () => {
      const [err, ...more] = errorsOf(() => parseExchange(text, FILE));
      expect(more).toEqual([]);
      expect(err?.message).toContain(`${FILE}: ${where}: `);
      expect(err?.problem).toMatch(problem);
    });
  }

  it("reports the problems of all rows at once", () => {
    const text = csv(row(1, { RecipientTypeDetails: "x" }), row(2), row(3, { Guid: "nope" }));
    expect(errorsOf(() => parseExchange(text, FILE)).map((e) => e.where)).toEqual(["line 2", "line 4"]);
  });
});

describe("decodeExportBytes", () => {
  const text = csv(row(1));

  it("keeps a UTF-8 BOM for the CSV parser, which skips it", () => {
    const decoded = decodeExportBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), FILE);
    expect(decoded.startsWith("\uFEFF")).toBe(true);
    expect(parseExchange(decoded, FILE)).toHaveLength(1);
  });

  it("rejects a UTF-16 export (Export-Csv -Encoding Unicode), telling to re-export as UTF-8", () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    expect(() => decodeExportBytes(utf16, FILE)).toThrow(/^inventory\/staging\/exchange\.csv: the file is UTF-16 .*-Encoding UTF8/);
    const bigEndian = Buffer.from([0xfe, 0xff, 0x00, 0x22]);
    expect(() => decodeExportBytes(bigEndian, FILE)).toThrow(/UTF-16 \(byte order mark FE FF\)/);
  });

  it("rejects UTF-16 without a byte order mark by its NUL bytes", () => {
    expect(() => decodeExportBytes(Buffer.from(text, "utf16le"), FILE)).toThrow(/line 1: NUL characters.*-Encoding UTF8/);
  });

  it("rejects an ANSI (Windows-1252) export", () => {
    const ansi = Buffer.from(csv(row(1, { DisplayName: "M\u00fcller" })), "latin1");
    expect(() => decodeExportBytes(ansi, FILE)).toThrow(/not valid UTF-8.*-Encoding UTF8/);
  });

  it("rejects text already damaged into U+FFFD, naming the line", () => {
    expect(() => parseExchange(csv(row(1), row(2, { DisplayName: "M\uFFFDller" })), FILE)).toThrow(/exchange\.csv: line 3: replacement character U\+FFFD/);
  });
});
