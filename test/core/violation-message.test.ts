import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatViolationMessage, parseViolationMessage, type ViolationMessage } from "@oxmig/core/violation-message";

const token = fc.stringMatching(/^[^\s()[\]]*[^\s()[\]:]$/);
const file = fc.stringMatching(/^[^\s[\]]+$/);
const message: fc.Arbitrary<ViolationMessage> = fc
  .record(
    {
      mailbox: token,
      identity: token,
      location: fc.record({ file, line: fc.integer({ min: 1, max: 1_000_000 }) }),
      text: fc.oneof(fc.string(), fc.constantFrom("mailbox a: b", "owner x: y", "\\x", "t [a:1]", "t []", "mailbox a:", " [f:2]")),
    },
    { requiredKeys: ["text"] },
  )
  .map(({ location, ...rest }) => ({ ...rest, ...location }));

describe("violation message convention", () => {
  it("reads back mailbox, identity, location and text exactly as formatted", () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(parseViolationMessage(formatViolationMessage(m))).toEqual(m);
      }),
      { numRuns: 2000 },
    );
  });

  it("reads the way pulumi preview shows it", () => {
    const text = formatViolationMessage({
      mailbox: "maria.mueller@fa-luebeck.example",
      identity: "mmueller",
      file: "plan.yaml",
      line: 14,
      text: "key bound to another mailbox",
    });
    expect(text).toBe("mailbox maria.mueller@fa-luebeck.example (owner mmueller): key bound to another mailbox [plan.yaml:14]");
  });

  it("does not take a text that merely looks like a prefix for a mailbox", () => {
    const text = formatViolationMessage({ text: "mailbox forged@x.example: looks bound" });
    expect(parseViolationMessage(text)).toEqual({ text: "mailbox forged@x.example: looks bound" });
  });

  it("leaves foreign messages as plain text", () => {
    expect(parseViolationMessage("can't run policy 'p' during preview: x")).toEqual({ text: "can't run policy 'p' during preview: x" });
  });

  it("refuses a mailbox with a space, which could not be read back", () => {
    expect(() => formatViolationMessage({ mailbox: "two words", text: "t" })).toThrow(/Invalid mailbox "two words"/);
  });

  it("refuses a file without a line", () => {
    expect(() => formatViolationMessage({ file: "plan.yaml", text: "t" })).toThrow(/needs both file and line/);
  });

  it("refuses line 0", () => {
    expect(() => formatViolationMessage({ file: "plan.yaml", line: 0, text: "t" })).toThrow(/Invalid line 0/);
  });
});
