import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isLiteralLogin, LOGIN_MAX_LENGTH, loginProblem } from "@oxmig/core/login";

describe("login grammar", () => {
  it.each(["mmueller", "mmueller2", "shared-poststelle", "room-raum-101", "equipment-beamer_1", "j.schmidt", "0abc"])("accepts %s", (login) => {
    expect(loginProblem(login)).toBeUndefined();
  });

  it.each([
    ["shared-poststelle*", /"\*" is a doveadm user-mask wildcard/],
    ["j?", /"\?" is a doveadm user-mask wildcard/],
    ["anna mueller", /whitespace/],
    ["anna\tmueller", /whitespace/],
    ["anna:x", /field separator/],
    ["anna%u", /%-variable/],
    ["anna@im.example", /separates user and domain/],
    ["MMueller", /upper case/],
    ["-A", /"-" is outside the safe alphabet/],
    [".hidden", /"\." is outside the safe alphabet/],
    ["müller", /"ü" is outside the safe alphabet/],
    ["a/b", /"\/" is outside/],
    ["a'b", /"'" is outside/],
    ["", /must not be empty/],
    ["a".repeat(LOGIN_MAX_LENGTH + 1), new RegExp(`at most ${LOGIN_MAX_LENGTH} characters`)],
  ])("refuses %j and says why", (login, why) => {
    expect(loginProblem(login)).toMatch(why);
  });

  it("accepts the longest login an Exchange Alias can give (64 characters after equipment-)", () => {
    expect(isLiteralLogin(`equipment-${"a".repeat(64)}`)).toBe(true);
  });

  it("anything it accepts means itself to doveadm, the passwd-file, Dovecot variables and the shell", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 90 }), (login) => {
        if (!isLiteralLogin(login)) return;
        expect(login).not.toMatch(/[*?\s:%@/\\'"`$;|&<>(){}[\]!#~^=,+]/);
        expect(login).toMatch(/^[a-z0-9]/);
        expect(login.length).toBeLessThanOrEqual(LOGIN_MAX_LENGTH);
      }),
      { numRuns: 2000 },
    );
  });

  it("accepts every string of the safe alphabet and gives a reason for every other one", () => {
    const safe = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,60}$/);
    fc.assert(
      fc.property(safe, (login) => {
        expect(loginProblem(login)).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }), (login) => {
        const problem = loginProblem(login);
        expect(problem === undefined).toBe(/^[a-z0-9][a-z0-9._-]*$/.test(login));
        if (problem) expect(problem.length).toBeGreaterThan(10);
      }),
    );
  });
});
