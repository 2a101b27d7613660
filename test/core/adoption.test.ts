// Adoption of existing OX users by evidence: what each user's target mailbox holds and whose sources
// that mail comes from, or the oxmig/mailbox-id it carries. Never its name, display name or address.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { indexSources, type HeldMessage } from "@oxmig/core/audit";
import { consistencyProblems, decideAdoptions, matchByEvidence, type AdoptionInput, type OxUserFacts, type TargetHolding } from "@oxmig/core/adoption";
import { USER_ATTRIBUTES } from "@oxmig/core/contract";
import type { Binding } from "@oxmig/core/model";
import { tinyBindings } from "../rehearsal/fixture-bindings";

const bindings = tinyBindings(4, "/var/vmail");
const [b1, b2, b3, b4] = bindings as [Binding, Binding, Binding, Binding];

/** `n` messages of one source: identity Message-ID, Date and size. */
const mail = (source: Binding, n: number, from = 0): HeldMessage[] =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return { folder: "INBOX", uid: i + 1, messageId: `<${source.source.exchangeGuid}.${i}@mail.example>`, sentAt: 1_700_000_000_000 + i, size: 1000 + i };
  });

const sources = bindings.map((b) => ({ exchangeGuid: b.source.exchangeGuid, owner: b.displayName, messages: mail(b, 20) }));

function user(userId: number, login: string | undefined, extra: Partial<OxUserFacts> = {}): OxUserFacts {
  return { contextName: "corp", contextId: 7, userId, name: login, imapLogin: login, primaryEmail: `${login}@corp.example`, attributes: {}, ...extra };
}

function input(users: OxUserFacts[], targets: Record<string, TargetHolding>): AdoptionInput {
  return {
    bindings,
    rightfulSources: new Map(bindings.map((b) => [b.mailboxId, [b.source.exchangeGuid]])),
    users,
    targets: new Map(Object.entries(targets)),
    index: indexSources(sources),
    sourceOwners: new Map(bindings.map((b) => [b.source.exchangeGuid, b.displayName])),
  };
}

const byUser = (decisions: ReturnType<typeof decideAdoptions>) => new Map(decisions.map((d) => [d.user.userId, d]));

describe("adoption by source ownership", () => {
  it("adopts a legacy user whose target holds only its owner's mail", () => {
    const [d] = decideAdoptions(input([user(11, "user01")], { user01: { messages: mail(b1, 3) } }));
    expect(d).toMatchObject({ status: "adopted", mailboxId: b1.mailboxId, evidence: "source-ownership", messages: 3 });
  });

  it("a target with someone else's mail mixed in, with mail from no audited source, or empty: not adopted, with the reason", () => {
    const d = byUser(
      decideAdoptions(
        input([user(11, "user01"), user(12, "user02"), user(13, "user03")], {
          user01: { messages: [...mail(b1, 2), ...mail(b2, 1)] },
          user02: { messages: [...mail(b2, 2), { folder: "INBOX", uid: 9, messageId: "<new@mail.example>", size: 10 }] },
          user03: { messages: [] },
        }),
      ),
    );
    expect(d.get(11)).toMatchObject({
      status: "not-adopted",
      reason: expect.stringMatching(/not one selected mailbox's own mail; it holds 2 of User 1, 1 of User 2/),
    });
    expect(d.get(12)).toMatchObject({ status: "not-adopted", reason: expect.stringMatching(/1 of its 3 message\(s\) are in no audited source/) });
    expect(d.get(13)).toMatchObject({ status: "not-adopted", reason: expect.stringMatching(/is empty: no mail, no evidence/) });
  });

  it("a user whose imapLogin has no target mailbox, or one that could not be read", () => {
    const d = byUser(decideAdoptions(input([user(11, "ghost"), user(12, "user02"), user(13, undefined)], { user02: { readError: "timeout" } })));
    expect(d.get(11)).toMatchObject({ status: "not-adopted", reason: expect.stringMatching(/no target mailbox was read for its imapLogin "ghost"/) });
    expect(d.get(12)).toMatchObject({ status: "not-adopted", reason: expect.stringMatching(/could not be read: timeout/) });
    expect(d.get(13)).toMatchObject({ status: "not-adopted", reason: "has no imapLogin: no target mailbox to judge" });
  });

  it("two OX users whose mail both is one mailbox's: neither is adopted", () => {
    const d = decideAdoptions(input([user(11, "user01"), user(12, "u1-copy")], { user01: { messages: mail(b1, 2) }, "u1-copy": { messages: mail(b1, 1, 3) } }));
    expect(d.map((x) => x.status)).toEqual(["not-adopted", "not-adopted"]);
    expect(d[0]).toMatchObject({ mailboxId: b1.mailboxId, reason: expect.stringMatching(/OX users 11 and 12 all hold only this mailbox's mail/) });
  });

  it("the same name, address and login as the plan but another person's mail: not adopted (the homonym trap)", () => {
    const [d] = decideAdoptions(input([user(11, "user01")], { user01: { messages: mail(b2, 3) } }));
    expect(d).toMatchObject({
      status: "not-adopted",
      mailboxId: b2.mailboxId,
      reason: expect.stringMatching(/evidence points at this mailbox, but its imapLogin "user01" is not the plan's login "user02"/),
    });
  });

  it("a mailbox of another context: not adopted", () => {
    const [d] = decideAdoptions(input([user(11, "user01", { contextName: "other" })], { user01: { messages: mail(b1, 1) } }));
    expect(d).toMatchObject({ status: "not-adopted", reason: expect.stringMatching(/declares in context corp/) });
  });
});

describe("adoption by attribute", () => {
  it("a user carrying a mailbox's id is listed as adopted; a legacy user whose mail is that mailbox's is then not", () => {
    const d = byUser(
      decideAdoptions(
        input([user(11, "user01", { attributes: { [USER_ATTRIBUTES.mailboxId]: b1.mailboxId, [USER_ATTRIBUTES.kind]: "personal" } }), user(12, "old01")], {
          user01: { messages: mail(b1, 1) },
          old01: { messages: mail(b1, 2, 1) },
        }),
      ),
    );
    expect(d.get(11)).toMatchObject({ status: "adopted", evidence: "attribute", messages: 1 });
    expect(d.get(12)).toMatchObject({ status: "not-adopted", reason: expect.stringMatching(/OX user 11 already carries that mailbox's id/) });
  });

  it("contradicting oxmig attributes, a mailbox id nobody selected, oxmig attributes without a mailbox id, two users with one id", () => {
    const d = byUser(
      decideAdoptions(
        input(
          [
            user(11, "user01", { attributes: { [USER_ATTRIBUTES.mailboxId]: b1.mailboxId, [USER_ATTRIBUTES.ownerId]: b2.mailboxId } }),
            user(12, "x", { attributes: { [USER_ATTRIBUTES.mailboxId]: "00000000-0000-4000-8000-000000000000" } }),
            user(13, "y", { attributes: { [USER_ATTRIBUTES.kind]: "personal" } }),
            user(14, "user03", { attributes: { [USER_ATTRIBUTES.mailboxId]: b3.mailboxId } }),
            user(15, "user03", { attributes: { [USER_ATTRIBUTES.mailboxId]: b3.mailboxId } }),
          ],
          {},
        ),
      ),
    );
    expect(d.get(11)).toMatchObject({ status: "not-adopted", reason: expect.stringMatching(/oxmig\/owner-id ".*", the plan's is/) });
    expect(d.get(12)).toMatchObject({ status: "not-adopted", reason: expect.stringMatching(/of no selected mailbox/) });
    expect(d.get(13)).toMatchObject({ status: "not-adopted", reason: expect.stringMatching(/but no oxmig\/mailbox-id/) });
    expect(d.get(14)).toMatchObject({ status: "not-adopted", reason: expect.stringMatching(/OX users 14 and 15 all carry this mailbox's id/) });
  });
});

describe("consistency can only veto", () => {
  it("names the OX name, login and primary address that differ from the plan", () => {
    expect(consistencyProblems(user(1, "user04", { name: "other", primaryEmail: "x@corp.example" }), b4)).toEqual([
      expect.stringMatching(/OX name "other" is not the plan's "user04"/),
      expect.stringMatching(/primary address "x@corp.example" is not the plan's "user04@corp.example"/),
    ]);
  });
});

describe("only evidence decides (property)", () => {
  // Users 1..n, each opening one target; targets hold one person's mail, a mix, or nothing.
  const holding = fc.oneof(
    fc.record({ kind: fc.constant("own" as const), who: fc.integer({ min: 0, max: 3 }), n: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ kind: fc.constant("mixed" as const), who: fc.integer({ min: 0, max: 2 }), n: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ kind: fc.constant("empty" as const) }),
  );
  const scenario = fc.array(fc.record({ holding, tagged: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 4 }) }), { minLength: 1, maxLength: 6 });

  it("permuting names, display names and addresses among the OX users, and renaming the logins with the mailboxes they open, never changes which mailbox a user's evidence points at", () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 1000 }), (specs, seed) => {
        const users = specs.map((s, i) =>
          user(i + 1, `login${i}`, {
            displayName: `Person ${i}`,
            ...(s.tagged !== null ? { attributes: { [USER_ATTRIBUTES.mailboxId]: bindings[s.tagged]!.mailboxId } } : {}),
          }),
        );
        const targets: Record<string, TargetHolding> = Object.fromEntries(
          specs.map((s, i) => {
            const h = s.holding;
            const messages =
              h.kind === "empty"
                ? []
                : h.kind === "own"
                  ? mail(bindings[h.who]!, h.n, i)
                  : [...mail(bindings[h.who]!, h.n, i), ...mail(bindings[h.who + 1]!, 1, i)];
            return [`login${i}`, { messages }];
          }),
        );
        const before = matchByEvidence(input(users, targets)).map((m) => [m.user.userId, m.mailboxId]);
        // A permutation from the seed; logins renamed consistently in users and targets.
        const order = users.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101));
        const rename = (login: string) => `renamed-${login}`;
        const permuted = users.map((u, i) => ({
          ...u,
          name: users[order[i]!]!.name,
          displayName: users[order[i]!]!.displayName,
          primaryEmail: users[order[i]!]!.primaryEmail,
          imapLogin: rename(u.imapLogin!),
        }));
        const renamedTargets = Object.fromEntries(Object.entries(targets).map(([login, t]) => [rename(login), t]));
        const after = matchByEvidence(input(permuted, renamedTargets)).map((m) => [m.user.userId, m.mailboxId]);
        expect(after).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });
});
