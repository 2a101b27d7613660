// A very large export (the 100 MB exchange.csv of the incident) must end in an input error per
// problem row, not in "Maximum call stack size exceeded". Generated in memory, never committed.
import { describe, expect, it } from "vitest";
import { EXCHANGE_COLUMNS, parseExchange } from "@oxmig/core/exchange";
import { InputErrors } from "@oxmig/core/errors";

/** More duplicates than a spread can pass as arguments (~123k here): each duplicate row reports GUID and address. */
const DUPLICATE_ROWS = 80_000;

describe("parseExchange on a very large export", () => {
  it("reports every duplicate of a row repeated 80k times instead of overflowing the stack", () => {
    const row =
      "User,user,user,user@corp.example,user@fa-luebeck.example,SMTP:user@fa-luebeck.example,aaaaaaaa-0000-4000-8000-000000000001,UserMailbox,bbbbbbbb-0000-4000-8000-000000000001";
    const text = `${EXCHANGE_COLUMNS.join(",")}\n${`${row}\n`.repeat(DUPLICATE_ROWS + 1)}`;
    let thrown: unknown;
    try {
      parseExchange(text, "exchange.csv");
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InputErrors);
    const errors = (thrown as InputErrors).errors;
    expect(errors).toHaveLength(2 * DUPLICATE_ROWS);
    expect(errors.at(-1)!.message).toBe(`exchange.csv: line ${DUPLICATE_ROWS + 2}: duplicate PrimarySmtpAddress user@fa-luebeck.example: also on line 2`);
  });
});
