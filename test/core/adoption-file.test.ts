// The adoption file: written from decisions, read back checked; bad input names file and entry.
import { describe, expect, it } from "vitest";
import { adoptionsOf, parseAdoptionFile, renderAdoptionFile } from "@oxmig/core/adoption-file";
import { InputError } from "@oxmig/core/errors";

const entry = { mailboxId: "m-1", context: "im", contextId: 102, oxUserId: 17, evidence: "source-ownership", messages: 12 } as const;

describe("adoption file", () => {
  it("round-trips, says why it is not a pulumi import file, and holds no message content", () => {
    const text = renderAdoptionFile("staging", [entry]);
    expect(text).toContain("pulumi/pulumi#16175, #3550");
    expect(parseAdoptionFile(text, "adopt.json", "staging").adoptions).toEqual([entry]);
    expect(Object.keys(JSON.parse(text).adoptions[0]).sort()).toEqual(["context", "contextId", "evidence", "mailboxId", "messages", "oxUserId"]);
  });

  it("keeps adopted decisions only", () => {
    const user = { contextName: "im", contextId: 102, userId: 17, attributes: {} };
    expect(
      adoptionsOf([
        { status: "adopted", user, mailboxId: "m-1", evidence: "source-ownership", messages: 12 },
        { status: "not-adopted", user: { ...user, userId: 18 }, reason: "empty" },
      ]),
    ).toEqual([entry]);
  });

  it.each([
    ["not JSON", "{", undefined, /not JSON/],
    ["another stack", renderAdoptionFile("prod-im", [entry]), "stack", /written for stack "prod-im", this is stack "staging"/],
    ["a bad entry", renderAdoptionFile("staging", [{ ...entry, oxUserId: -1 }]), "adoptions[0].oxUserId", /expected number to be >0|Too small/i],
    ["an unknown field (a secret would not go unnoticed)", renderAdoptionFile("staging", [{ ...entry, password: "x" } as never]), "adoptions[0]", /password/],
    ["one mailbox twice", renderAdoptionFile("staging", [entry, { ...entry, oxUserId: 18 }]), "adoptions[1]", /adopted twice \(also adoptions\[0\]\)/],
  ])("refuses %s (exit 2, naming file and entry)", (_what, text, where, problem) => {
    let error: unknown;
    try {
      parseAdoptionFile(text, "adopt.json", "staging");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).file).toBe("adopt.json");
    expect((error as InputError).where).toBe(where);
    expect((error as InputError).problem).toMatch(problem);
  });
});
