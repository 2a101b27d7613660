// The incident drill's judgement: found and missed mailboxes, exactly the foreign mail removed, every
// expected message exactly once at the end.
import { describe, expect, it } from "vitest";
import type { CleanOutcome } from "../../../audit/clean";
import type { AuditResult, HeldMessage, TargetVerdict } from "@oxmig/core/audit";
import type { Binding } from "@oxmig/core/model";
import { misbindingsOf } from "../../../rehearsal/incident/injection";
import { countTarget, judgeClean, judgeDetection, seededIds, seededSourceOf } from "../../../rehearsal/incident/proof";
import { tinyBindings } from "../fixture-bindings";

const [a, b, c] = tinyBindings(3, "/vmail") as [Binding, Binding, Binding];
const injected = misbindingsOf([{ a, b }]);

function foreign(login: string, ...guids: string[]): TargetVerdict {
  return {
    login,
    reader: login,
    declared: true,
    status: "foreign",
    own: 0,
    unattributed: 1,
    foreign: guids.map((g) => ({ exchangeGuid: g, owner: g, messages: [] })),
  };
}
const clean = (login: string): TargetVerdict => ({ login, reader: login, declared: true, status: "clean", own: 2, unattributed: 1, foreign: [] });
const audit = (...verdicts: TargetVerdict[]): AuditResult => ({ verdicts, sourcesRead: 3, unreadableSources: [] });

describe("judgeDetection", () => {
  it("finds a mailbox only when the audit names it with the very source crossed into it", () => {
    const all = judgeDetection(injected, audit(foreign("user01", b.source.exchangeGuid), foreign("user02", a.source.exchangeGuid), clean("user03")));
    expect([all.found.length, all.missed.length, all.falseAlarms.length]).toEqual([2, 0, 0]);
    const wrongSource = judgeDetection(injected, audit(foreign("user01", c.source.exchangeGuid), clean("user02"), clean("user03")));
    expect(wrongSource.missed.map((m) => m.target.dovecotLogin)).toEqual(["user01", "user02"]);
    expect(wrongSource.falseAlarms.map((v) => v.login)).toEqual(["user01"]);
  });

  it("calls a foreign verdict on a mailbox nothing was crossed into a false alarm", () => {
    const result = judgeDetection(
      injected,
      audit(foreign("user01", b.source.exchangeGuid), foreign("user02", a.source.exchangeGuid), foreign("user03", a.source.exchangeGuid)),
    );
    expect(result.falseAlarms.map((v) => v.login)).toEqual(["user03"]);
  });
});

describe("judgeClean", () => {
  const message = (messageId: string): HeldMessage => ({ folder: "INBOX", uid: 1, guid: "g", messageId, size: 10 });
  const removed = (login: string, messageId: string, ok = true): CleanOutcome => ({
    entry: { login, reader: login, owner: "x", message: message(messageId) },
    removed: ok,
    ...(ok ? {} : { why: "gone" }),
  });

  it("counts exactly the crossed-in messages, and names what stayed and what went wrongly", () => {
    const expected = [
      { login: "user01", messageId: "<1>" },
      { login: "user01", messageId: "<2>" },
    ];
    expect(judgeClean(expected, [removed("user01", "<1>"), removed("user01", "<2>")])).toMatchObject({
      expected: 2,
      removed: 2,
      notRemoved: [],
      wronglyRemoved: [],
    });
    const bad = judgeClean(expected, [removed("user01", "<1>"), removed("user03", "<own>"), removed("user01", "<2>", false)]);
    expect(bad.notRemoved).toEqual([{ login: "user01", messageId: "<2>" }]);
    expect(bad.wronglyRemoved).toEqual([{ login: "user03", messageId: "<own>" }]);
    expect(bad.failed).toHaveLength(1);
  });
});

describe("countTarget", () => {
  const own = seededIds(a.source.exchangeGuid, 3);
  const expectation = { login: "user01", own, afterCutOver: ["<after-1>"], rightfulSources: [a.source.exchangeGuid] };

  it("reads seeded Message-IDs back to their source", () => {
    expect(seededSourceOf(own[0])).toBe(a.source.exchangeGuid);
    expect(seededSourceOf("<after-1>")).toBeUndefined();
  });

  it("is clean when every expected message is there exactly once", () => {
    expect(countTarget(expectation, [...own, "<after-1>"])).toMatchObject({
      own: 3,
      afterCutOver: 1,
      lost: [],
      duplicated: 0,
      foreign: 0,
      unexpected: 0,
      total: 4,
    });
  });

  it("counts lost, duplicated, foreign and unexpected messages", () => {
    const held = [own[0], own[0], own[1], ...seededIds(b.source.exchangeGuid, 2), "<stray>", undefined];
    expect(countTarget(expectation, held)).toMatchObject({
      own: 2,
      afterCutOver: 0,
      lost: [own[2], "<after-1>"],
      duplicated: 1,
      foreign: 2,
      unexpected: 2,
      total: 7,
    });
  });
});
