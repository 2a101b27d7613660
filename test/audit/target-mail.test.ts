import { describe, expect, it } from "vitest";
import { heldMessageOf, parseDoveadmDate } from "../../audit/target-mail";

describe("reading doveadm fetch rows", () => {
  it("reads date.sent with its offset as the same instant an IMAP envelope gives", () => {
    expect(parseDoveadmDate("2024-04-29 23:36:00 (+0000)")).toBe(Date.UTC(2024, 3, 29, 23, 36));
    expect(parseDoveadmDate("2024-04-30 01:36:00 (+0200)")).toBe(Date.UTC(2024, 3, 29, 23, 36));
    expect(parseDoveadmDate("2024-04-29 20:36:00 (-0300)")).toBe(Date.UTC(2024, 3, 29, 23, 36));
  });

  it("reads the epoch (no Date header) and anything unreadable as no date", () => {
    expect(parseDoveadmDate("1970-01-01 00:00:00 (+0000)")).toBeUndefined();
    expect(parseDoveadmDate("yesterday")).toBeUndefined();
  });

  it("keeps an empty Message-ID out and unfolds a folded one", () => {
    const row = { mailbox: "Sent", uid: "4", guid: "g", "date.sent": "2024-04-29 23:36:00 (+0000)", "size.virtual": "614" };
    expect(heldMessageOf({ ...row, "hdr.message-id": "" })).toEqual({ folder: "Sent", uid: 4, guid: "g", size: 614, sentAt: Date.UTC(2024, 3, 29, 23, 36) });
    expect(heldMessageOf({ ...row, "hdr.message-id": "\n <a@b.example>" }).messageId).toBe("<a@b.example>");
  });
});
