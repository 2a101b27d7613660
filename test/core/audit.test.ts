import { describe, expect, it } from "vitest";
import {
  foreignMessages,
  foundForeign,
  incomplete,
  indexSources,
  judgeTarget,
  messageKey,
  type AuditedSource,
  type AuditedTarget,
  type HeldMessage,
} from "@oxmig/core/audit";

const msg = (uid: number, messageId: string | undefined, size: number, sentAt?: number): HeldMessage => ({
  folder: "INBOX",
  uid,
  size,
  ...(messageId ? { messageId } : {}),
  ...(sentAt !== undefined ? { sentAt } : {}),
});
const anna: AuditedSource = { exchangeGuid: "g-anna", owner: "Anna", messages: [msg(1, "<a1@x.example>", 100, 1_000), msg(2, "<cc@x.example>", 300, 3_000)] };
const ben: AuditedSource = {
  exchangeGuid: "g-ben",
  owner: "Ben",
  messages: [msg(1, "<b1@x.example>", 200, 2_000), msg(2, "<cc@x.example>", 310, 3_000), msg(3, undefined, 50, 5_000)],
};
const cara: AuditedSource = { exchangeGuid: "g-cara", owner: "Cara", messages: [msg(1, "<c1@x.example>", 400, 4_000)] };
const owners = new Map([anna, ben, cara].map((s) => [s.exchangeGuid, s.owner]));
const index = indexSources([anna, ben, cara]);
const target = (messages: HeldMessage[], over: Partial<AuditedTarget> = {}): AuditedTarget => ({
  login: "anna",
  reader: "Anna",
  declared: true,
  rightfulSources: ["g-anna"],
  messages,
  ...over,
});

describe("whose mail a target holds", () => {
  it("counts a copy of one's own mail as own and mail found in no source as unattributed", () => {
    const verdict = judgeTarget(target([msg(7, "<a1@x.example>", 100, 1_000), msg(8, "<new@x.example>", 90, 9_000)]), index, owners);
    expect(verdict).toMatchObject({ status: "clean", own: 1, unattributed: 1, foreign: [] });
  });

  it("tells the two copies of one message sent to two people apart by size: the colleague's copy is foreign", () => {
    expect(messageKey(anna.messages[1]!)).not.toBe(messageKey(ben.messages[1]!));
    const verdict = judgeTarget(target([msg(1, "<cc@x.example>", 310, 3_000)]), index, owners);
    expect(verdict).toMatchObject({ status: "foreign", own: 0, foreign: [{ owner: "Ben", exchangeGuid: "g-ben" }] });
  });

  it("names whose mail it is, how many and the date range, most first", () => {
    const verdict = judgeTarget(
      target([msg(1, "<b1@x.example>", 200, 2_000), msg(2, undefined, 50, 5_000), msg(3, "<c1@x.example>", 400, 4_000)]),
      index,
      owners,
    );
    expect(verdict.status).toBe("foreign");
    if (verdict.status !== "foreign") return;
    expect(verdict.foreign.map((f) => [f.owner, f.messages.length, f.firstSent, f.lastSent])).toEqual([
      ["Ben", 2, 2_000, 5_000],
      ["Cara", 1, 4_000, 4_000],
    ]);
    expect(
      foreignMessages(verdict)
        .map((m) => m.uid)
        .sort(),
    ).toEqual([1, 2, 3]);
  });

  it("calls an undeclared target adoptable with one person's mail and mixed with several, and never cleans a mixed one", () => {
    const undeclared = { declared: false, rightfulSources: [] as string[], reader: "login x, not in the plan" };
    expect(judgeTarget(target([msg(1, "<b1@x.example>", 200, 2_000)], undeclared), index, owners)).toMatchObject({ status: "adoptable" });
    const mixed = judgeTarget(target([msg(1, "<b1@x.example>", 200, 2_000), msg(2, "<c1@x.example>", 400, 4_000)], undeclared), index, owners);
    expect(mixed.status).toBe("mixed");
    expect(foreignMessages(mixed)).toEqual([]);
  });

  it("does not judge a target it could not read, and says the audit is incomplete", () => {
    const verdict = judgeTarget(target([], { readError: "user unknown (exit 67)" }), index, owners);
    expect(verdict).toMatchObject({ status: "unreadable", why: "user unknown (exit 67)" });
    const result = { verdicts: [verdict], sourcesRead: 3, unreadableSources: [] };
    expect(incomplete(result)).toBe(true);
    expect(foundForeign(result)).toBe(false);
  });
});
