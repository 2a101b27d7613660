import { describe, expect, it } from "vitest";
import { loginMappingsFor, userdbIndex } from "../../../infra/components/context-stack";
import { personalBinding, sharedBinding } from "./fixtures";

describe("userdbIndex", () => {
  it("lists login, home, mailbox id and key name per mailbox, sorted by login like the passwd-file", () => {
    const index = userdbIndex([personalBinding("zoe", "zz99"), sharedBinding("poststelle", "pp11"), personalBinding("anna", "aa11")]);
    expect(index.map((e) => e.login)).toEqual(["anna", "shared-poststelle", "zoe"]);
    expect(index[0]).toEqual({ login: "anna", home: "/var/vmail/aa/aa11", mailboxId: "aa11", keyName: "key-aa11" });
  });

  it("carries nothing secret (only the four binding fields)", () => {
    for (const entry of userdbIndex([personalBinding("anna", "aa11")])) expect(Object.keys(entry).sort()).toEqual(["home", "keyName", "login", "mailboxId"]);
  });
});

describe("loginMappingsFor", () => {
  it("maps the context name and the organisation when they differ", () => {
    expect(loginMappingsFor({ name: "ctx-im", organisation: "im" })).toEqual(["ctx-im", "im"]);
  });

  it("does not repeat a mapping (OX rejects duplicates)", () => {
    expect(loginMappingsFor({ name: "im", organisation: "im" })).toEqual(["im"]);
  });
});
