import { describe, expect, it } from "vitest";
import { contextConflictProblems, contextFieldProblems, userChangeProblems, userFieldProblems, type OxUserFields } from "../../../infra/ox/rules";

const anna: OxUserFields = {
  name: "anna.beispiel",
  displayName: "Anna Beispiel",
  primaryEmail: "Anna.Beispiel@schule-nord.example",
  email1: "anna.beispiel@schule-nord.example",
  defaultSenderAddress: "anna.beispiel@schule-nord.example",
  aliases: ["anna.beispiel@schule-nord.example", "a.b@schule-nord.example"],
};
const properties = (failures: { property: string }[]) => failures.map((f) => f.property);

describe("userFieldProblems", () => {
  it("accepts primaryEmail and email1 differing only in case", () => {
    expect(userFieldProblems(anna)).toEqual([]);
  });
  it("primaryEmail differs from email1", () => {
    expect(properties(userFieldProblems({ ...anna, email1: "a.b@schule-nord.example" }))).toEqual(["email1"]);
  });
  it("defaultSenderAddress is not among the aliases", () => {
    expect(properties(userFieldProblems({ ...anna, defaultSenderAddress: "other@schule-nord.example" }))).toEqual(["defaultSenderAddress"]);
  });
  it("primary address is missing from the aliases", () => {
    const failures = userFieldProblems({ ...anna, aliases: ["a.b@schule-nord.example"] });
    expect(properties(failures)).toEqual(["primaryEmail", "email1", "defaultSenderAddress"]);
  });
  it("name with capitals (OX would lower-case it behind our back)", () => {
    expect(properties(userFieldProblems({ ...anna, name: "Anna.Beispiel" }))).toEqual(["name"]);
  });
  it("malformed alias is named by index", () => {
    expect(properties(userFieldProblems({ ...anna, aliases: [...anna.aliases, "not-an-address"] }))).toEqual(["aliases[2]"]);
  });
});

describe("contextConflictProblems", () => {
  const other: OxUserFields = {
    ...anna,
    name: "bert",
    displayName: "Bert",
    aliases: ["bert@schule-nord.example"],
    primaryEmail: "bert@schule-nord.example",
    email1: "bert@schule-nord.example",
    defaultSenderAddress: "bert@schule-nord.example",
  };
  it("no conflict with a different person", () => {
    expect(contextConflictProblems(anna, [other])).toEqual([]);
  });
  it("same name in another case", () => {
    expect(properties(contextConflictProblems(anna, [{ ...other, name: "ANNA.BEISPIEL" }]))).toEqual(["name"]);
  });
  it("same display name", () => {
    expect(properties(contextConflictProblems(anna, [{ ...other, displayName: "Anna Beispiel" }]))).toEqual(["displayName"]);
  });
  it("primary address already an alias of someone else", () => {
    expect(properties(contextConflictProblems(anna, [{ ...other, aliases: [...other.aliases, "ANNA.beispiel@schule-nord.example"] }]))).toEqual([
      "primaryEmail",
    ]);
  });
});

describe("userChangeProblems", () => {
  it("rename refused", () => {
    expect(properties(userChangeProblems(anna, { name: "anna.neu" }))).toEqual(["name"]);
  });
  it("primary address change refused, case-only change allowed", () => {
    expect(properties(userChangeProblems(anna, { primaryEmail: "a.b@schule-nord.example" }))).toEqual(["primaryEmail"]);
    expect(userChangeProblems(anna, { primaryEmail: "ANNA.BEISPIEL@schule-nord.example" })).toEqual([]);
  });
});

describe("contextFieldProblems", () => {
  it("quota zero and a login mapping twice", () => {
    const failures = contextFieldProblems({ name: "schule-nord", maxQuotaMb: 0, loginMappings: ["a.example", "A.example"] });
    expect(properties(failures)).toEqual(["maxQuotaMb", "loginMappings[1]"]);
  });
});
